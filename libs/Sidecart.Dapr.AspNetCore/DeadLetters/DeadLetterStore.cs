using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Sidecart.Dapr.AspNetCore.DeadLetters;

/// <summary>
/// Dead letters in a Dapr state store, laid out as the Python shipping service lays them out: one record per event
/// under <c>dead-letter-&lt;id&gt;</c>, written first-write so recording the same event twice is a no-op, and an index key
/// (<c>dead-letters-index</c>) listing the record keys, updated with ETags so concurrent recordings never lose one
/// another's entries.
/// </summary>
public sealed partial class DeadLetterStore(DaprClient dapr, TimeProvider timeProvider, ILogger<DeadLetterStore> logger, string storeName = DeadLetterStore.DefaultStoreName)
{
    public const string DefaultStoreName = "statestore";
    private const string IndexKey = "dead-letters-index";
    private const int IndexAttempts = 10;

    /// <summary>Keeps the delivery with its reason; false when that event id was already recorded.</summary>
    public async Task<bool> RecordAsync(TopicDelivery delivery, string topic, string reason, CancellationToken cancellationToken)
    {
        var key = RecordKey(delivery.Id);
        var record = new DeadLetter(delivery.Id, topic, timeProvider.GetUtcNow(), reason, delivery.OriginalEvent);
        var created = await dapr.TrySaveStateAsync(storeName, key, record, DeadLetterJsonContext.Default.DeadLetter, etag: null, StateOptions.FirstWrite, cancellationToken: cancellationToken);

        // Also when the record existed: a crash may have come between the record and the index.
        await AddToIndexAsync(key, cancellationToken);
        if (created)
        {
            logger.LogWarning("Dead letter recorded for event {EventId} on {Topic}: {Reason}", delivery.Id, topic, reason);
        }

        return created;
    }

    /// <summary>All records, newest first.</summary>
    public async Task<IReadOnlyList<DeadLetter>> ListAsync(CancellationToken cancellationToken)
    {
        var index = await dapr.GetStateAsync(storeName, IndexKey, DeadLetterJsonContext.Default.DeadLetterIndex, cancellationToken: cancellationToken);
        if (index is not { Keys.Count: > 0 })
        {
            return [];
        }

        var records = await dapr.GetBulkStateAsync(storeName, index.Keys, DeadLetterJsonContext.Default.DeadLetter, cancellationToken: cancellationToken);
        return records.Where(r => r.Value is not null).Select(r => r.Value!).Reverse().OrderByDescending(r => r.ReceivedAt).ToList();
    }

    // Ids come from outside: anything that could not safely be a state key (e.g. containing '||') is hashed.
    internal static string RecordKey(string eventId) =>
        SafeId().IsMatch(eventId)
            ? $"dead-letter-{eventId}"
            : "dead-letter-sha256-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(eventId)))[..32];

    private async Task AddToIndexAsync(string key, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < IndexAttempts; attempt++)
        {
            var index = await dapr.GetStateEntryAsync(storeName, IndexKey, DeadLetterJsonContext.Default.DeadLetterIndex, cancellationToken: cancellationToken);
            var keys = index.Value?.Keys ?? [];
            if (keys.Contains(key))
            {
                return;
            }

            if (await dapr.TrySaveStateAsync(storeName, IndexKey, new DeadLetterIndex([.. keys, key]), DeadLetterJsonContext.Default.DeadLetterIndex,
                    index.ETag, index.ETag is null ? StateOptions.FirstWrite : null, cancellationToken: cancellationToken))
            {
                return;
            }
        }

        throw new InvalidOperationException($"The dead-letter index stayed contended for {IndexAttempts} attempts.");
    }

    [GeneratedRegex("^[A-Za-z0-9._:@-]{1,200}$")]
    private static partial Regex SafeId();
}
