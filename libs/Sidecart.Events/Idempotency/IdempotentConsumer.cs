using System.Globalization;
using System.Text.Json;
using Dapr;
using Dapr.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Sidecart.Events;

/// <summary>
/// Runs an event handler at most once per CloudEvent id under normal redelivery: a processed id is remembered in the
/// state store (with a TTL) and a redelivered event is acknowledged without running the handler again.
/// </summary>
/// <remarks>
/// The id is marked only after the handler succeeded, never before: marking first would lose the event if the app
/// crashed mid-handling. The price is that a crash (or a failed state write) between handling and marking, or two
/// deliveries of the same event racing each other, still runs the handler twice. Dapr is at-least-once, so handlers
/// must remain idempotent by their business key (order id, receipt id); this helper only keeps the common case cheap.
/// The marker is a plain write (no first-write, no ETag): racing deliveries write the same fact, so whichever lands
/// last is right, and no store's way of reporting a conflict matters.
/// </remarks>
public sealed class IdempotentConsumer(DaprClient dapr, IOptions<IdempotentConsumerOptions> options, TimeProvider timeProvider, ILogger<IdempotentConsumer> logger)
{
    private readonly IdempotentConsumerOptions _options = options.Value;

    /// <summary>Runs <paramref name="handler"/> unless the delivery's event id was already processed on that topic.</summary>
    public Task<TopicResponse> HandleOnceAsync(
        TopicDelivery delivery,
        string pubsubName,
        string topic,
        Func<CancellationToken, Task<TopicResponse>> handler,
        CancellationToken cancellationToken = default) =>
        HandleOnceAsync(pubsubName, topic, delivery.Id, handler, cancellationToken);

    /// <summary>The same, given the CloudEvent id (e.g. from the <c>Cloudevent.id</c> header of a typed endpoint).</summary>
    public async Task<TopicResponse> HandleOnceAsync(
        string pubsubName,
        string topic,
        string eventId,
        Func<CancellationToken, Task<TopicResponse>> handler,
        CancellationToken cancellationToken = default)
    {
        var key = $"{_options.KeyPrefix}:{pubsubName}:{topic}:{eventId}";
        ReadOnlyMemory<byte> marker;
        try
        {
            marker = await dapr.GetByteStateAsync(_options.StoreName, key, cancellationToken: cancellationToken);
        }
        catch (DaprException e)
        {
            // Unknown whether it was processed: not now, rather than perhaps twice.
            logger.LogWarning(e, "Could not check whether event {EventId} on {Topic} was processed; it will be redelivered", eventId, topic);
            return TopicResponse.Retry();
        }

        if (!marker.IsEmpty)
        {
            logger.LogInformation("Event {EventId} on {Topic} was already processed; acknowledging the redelivery", eventId, topic);
            return TopicResponse.Success();
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
        var marker = JsonSerializer.SerializeToUtf8Bytes(new ProcessedEventMarker(eventId, timeProvider.GetUtcNow()), EventsJsonContext.Default.ProcessedEventMarker);
        var metadata = _options.TimeToLive is { } ttl
            ? new Dictionary<string, string> { ["ttlInSeconds"] = ((long)ttl.TotalSeconds).ToString(CultureInfo.InvariantCulture) }
            : null;
        try
        {
            await dapr.SaveByteStateAsync(_options.StoreName, key, marker, metadata: metadata, cancellationToken: cancellationToken);
        }
        catch (DaprException e)
        {
            // The handler succeeded: acknowledging is right even if the marker is lost, since the broker will not
            // redeliver an acknowledged message; failing here would make it retry and run the handler again.
            logger.LogWarning(e, "Could not remember event {EventId} as processed", eventId);
        }
    }
}
