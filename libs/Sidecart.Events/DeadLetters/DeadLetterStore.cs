using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Dapr;
using Dapr.Client;
using Microsoft.Extensions.Logging;

namespace Sidecart.Events;

/// <summary>
/// Dead letters in a Dapr state store, laid out as the Python shipping service lays them out: one record per event
/// under <c>dead-letter-&lt;id&gt;</c>, and an index key (<c>dead-letters-index</c>, <c>{"keys":[...]}</c>) listing the
/// record keys, oldest first. The first reason recorded for an event is the one kept.
/// </summary>
/// <remarks>
/// It behaves the same on every state store with ETags (SQLite, Redis, PostgreSQL, MongoDB...), although they report
/// a lost race differently: 409 / Aborted from some, 500 / Internal from others (Redis for a first-write conflict,
/// MongoDB for an ETag mismatch). No outcome is read from an error code: a record is created only after reading that
/// it is absent, with first-write so that of two racing writers one wins, and the index is created the same way and
/// then only updated with its ETag. Any conditional write that does not succeed is followed by reading the key again
/// and deciding from what is there.
/// </remarks>
public sealed partial class DeadLetterStore(DaprClient dapr, TimeProvider timeProvider, ILogger<DeadLetterStore> logger, string storeName = DeadLetterStore.DefaultStoreName)
{
    public const string DefaultStoreName = "statestore";
    internal const string IndexKey = "dead-letters-index";
    private const int IndexAttempts = 10;

    private static readonly StateOptions CreateOnly = new() { Concurrency = ConcurrencyMode.FirstWrite };

    /// <summary>Keeps the delivery with its reason; false when that event id was already recorded.</summary>
    public async Task<bool> RecordAsync(TopicDelivery delivery, string topic, string reason, CancellationToken cancellationToken)
    {
        var key = RecordKey(delivery.Id);
        var record = new DeadLetter(delivery.Id, topic, timeProvider.GetUtcNow(), reason, delivery.OriginalEvent);
        var created = await CreateRecordAsync(key, record, cancellationToken);

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
        var index = Read(await dapr.GetByteStateAsync(storeName, IndexKey, cancellationToken: cancellationToken), EventsJsonContext.Default.DeadLetterIndex, IndexKey);
        if (index is not { Keys.Count: > 0 })
        {
            return [];
        }

        var items = await dapr.GetBulkStateAsync(storeName, index.Keys, parallelism: null, cancellationToken: cancellationToken);
        var values = items.Where(i => !string.IsNullOrEmpty(i.Value)).DistinctBy(i => i.Key).ToDictionary(i => i.Key, i => i.Value);
        return Enumerable.Reverse(index.Keys)
            .Where(values.ContainsKey)
            .Select(key => Read(Encoding.UTF8.GetBytes(values[key]), EventsJsonContext.Default.DeadLetter, key)!)
            .OrderByDescending(r => r.ReceivedAt)
            .ToList();
    }

    // Ids come from outside: anything that could not safely be a state key (e.g. containing '||') is hashed.
    internal static string RecordKey(string eventId) =>
        SafeId().IsMatch(eventId)
            ? $"dead-letter-{eventId}"
            : "dead-letter-sha256-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(eventId)))[..32];

    private async Task<bool> CreateRecordAsync(string key, DeadLetter record, CancellationToken cancellationToken)
    {
        if (await ExistsAsync(key, cancellationToken))
        {
            return false;
        }

        try
        {
            await dapr.SaveByteStateAsync(storeName, key, JsonSerializer.SerializeToUtf8Bytes(record, EventsJsonContext.Default.DeadLetter), CreateOnly,
                cancellationToken: cancellationToken);
            return true;
        }
        catch (DaprException e)
        {
            // Another delivery of the event recorded it in between (each store says so its own way), or the store failed.
            if (await ExistsAsync(key, cancellationToken))
            {
                return false;
            }

            throw new DeadLetterStoreException($"The dead letter {key} could not be written.", e);
        }
    }

    private async Task AddToIndexAsync(string key, CancellationToken cancellationToken)
    {
        Exception? lastFailure = null;
        for (var attempt = 1; attempt <= IndexAttempts; attempt++)
        {
            var (bytes, etag) = await dapr.GetByteStateAndETagAsync(storeName, IndexKey, cancellationToken: cancellationToken);
            var index = Read(bytes, EventsJsonContext.Default.DeadLetterIndex, IndexKey);
            var keys = index?.Keys ?? [];
            if (keys.Contains(key))
            {
                return;
            }

            var updated = JsonSerializer.SerializeToUtf8Bytes(new DeadLetterIndex([.. keys, key]), EventsJsonContext.Default.DeadLetterIndex);
            try
            {
                if (index is null)
                {
                    await dapr.SaveByteStateAsync(storeName, IndexKey, updated, CreateOnly, cancellationToken: cancellationToken);
                    return;
                }

                if (await dapr.TrySaveByteStateAsync(storeName, IndexKey, updated, etag, cancellationToken: cancellationToken))
                {
                    return;
                }
            }
            catch (DaprException e)
            {
                // A lost race that this store reports as an error, or a failing store: read again and decide.
                lastFailure = e;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10 * attempt), cancellationToken);
        }

        throw new DeadLetterStoreException($"The dead-letter index did not take {key} in {IndexAttempts} attempts.", lastFailure);
    }

    private async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) =>
        !(await dapr.GetByteStateAsync(storeName, key, cancellationToken: cancellationToken)).IsEmpty;

    private static T? Read<T>(ReadOnlyMemory<byte> bytes, JsonTypeInfo<T> typeInfo, string key) where T : class
    {
        if (bytes.IsEmpty)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(bytes.Span, typeInfo);
        }
        catch (JsonException e)
        {
            throw new DeadLetterStoreException($"The state key {key} does not hold what the dead-letter store wrote.", e);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._:@-]{1,200}$")]
    private static partial Regex SafeId();
}
