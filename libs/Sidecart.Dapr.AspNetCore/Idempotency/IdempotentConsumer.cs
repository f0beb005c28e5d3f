using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sidecart.Dapr.AspNetCore.Idempotency;
using Sidecart.Dapr.AspNetCore.Serialization;

namespace Sidecart.Dapr.AspNetCore;

/// <summary>
/// Runs an event handler at most once per CloudEvent id under normal redelivery: a processed id is remembered in the
/// state store (first-write, with a TTL) and a redelivered event is acknowledged without running the handler again.
/// </summary>
/// <remarks>
/// The id is marked only after the handler succeeded, never before: marking first would lose the event if the app
/// crashed mid-handling. The price is that a crash (or a failed state write) between handling and marking, or two
/// deliveries of the same event racing each other, still runs the handler twice. Dapr is at-least-once, so handlers
/// must remain idempotent by their business key (order id, receipt id); this helper only keeps the common case cheap.
/// </remarks>
public sealed class IdempotentConsumer(DaprClient dapr, IOptions<IdempotentConsumerOptions> options, TimeProvider timeProvider, ILogger<IdempotentConsumer> logger)
{
    private readonly IdempotentConsumerOptions _options = options.Value;

    public Task<TopicResult> HandleOnceAsync<T>(
        CloudEvent<T> cloudEvent,
        Func<CloudEvent<T>, CancellationToken, Task<TopicResult>> handler,
        CancellationToken cancellationToken = default) =>
        HandleOnceAsync(cloudEvent.PubsubName ?? string.Empty, cloudEvent.Topic ?? string.Empty, cloudEvent.Id, ct => handler(cloudEvent, ct), cancellationToken);

    /// <summary>The same for a handler that reads the delivery itself (e.g. a <c>TopicDelivery</c>), given its CloudEvent id.</summary>
    public async Task<TopicResult> HandleOnceAsync(
        string pubsubName,
        string topic,
        string eventId,
        Func<CancellationToken, Task<TopicResult>> handler,
        CancellationToken cancellationToken = default)
    {
        var key = $"{_options.KeyPrefix}:{pubsubName}:{topic}:{eventId}";
        var marker = await dapr.GetStateEntryAsync(_options.StoreName, key, DaprAspNetCoreJsonContext.Default.ProcessedEventMarker, cancellationToken: cancellationToken);
        if (marker.Exists)
        {
            logger.LogInformation("Event {EventId} on {Topic} was already processed; acknowledging the redelivery", eventId, topic);
            return TopicResults.Success();
        }

        var result = await handler(cancellationToken);
        if (result.Status == TopicStatus.Success)
        {
            await MarkProcessedAsync(key, eventId, cancellationToken);
        }

        return result;
    }

    private async Task MarkProcessedAsync(string key, string eventId, CancellationToken cancellationToken)
    {
        try
        {
            var saved = await dapr.TrySaveStateAsync(
                _options.StoreName,
                key,
                new ProcessedEventMarker(eventId, timeProvider.GetUtcNow()),
                DaprAspNetCoreJsonContext.Default.ProcessedEventMarker,
                etag: null,
                StateOptions.FirstWrite,
                _options.TimeToLive is { } ttl ? DaprMetadata.TimeToLive(ttl) : null,
                cancellationToken);
            if (!saved)
            {
                logger.LogWarning("Event {EventId} was processed concurrently by another delivery", eventId);
            }
        }
        catch (Exception e) when (e is DaprApiException or HttpRequestException)
        {
            // The handler succeeded: acknowledging is right even if the marker is lost, since the broker will not
            // redeliver an acknowledged message; failing here would make it retry and run the handler again.
            logger.LogWarning(e, "Could not remember event {EventId} as processed", eventId);
        }
    }
}
