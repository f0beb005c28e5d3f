using Dapr;
using Microsoft.Extensions.Logging;

namespace Sidecart.Events;

/// <summary>
/// Runs a topic handler only on events that keep their <see cref="EventContract{T}"/>. Any other event (bad JSON, a
/// missing or wrongly typed field, a broken constraint) is never applied and never retried: it is kept as a dead letter
/// with its reason and answered with DROP, so the sidecar forwards it to <c>&lt;topic&gt;-dlq</c>. When the dead letter
/// cannot be recorded yet, the answer is RETRY instead: an event seen twice is harmless, a lost one is not.
/// </summary>
public sealed class ValidatingConsumer(DeadLetterStore deadLetters, ILogger<ValidatingConsumer> logger)
{
    public async Task<TopicResponse> HandleAsync<T>(
        TopicDelivery delivery, EventContract<T> contract, Func<T, CancellationToken, Task<TopicResponse>> handler, CancellationToken cancellationToken)
    {
        EventMetrics.Handling(delivery, contract.Topic, DateTimeOffset.UtcNow);
        return contract.TryRead(delivery, out var payload, out var reason)
            ? await handler(payload, cancellationToken)
            : await RefuseAsync(delivery, contract.Topic, reason, cancellationToken);
    }

    /// <summary>Refuses an event that keeps its contract but cannot be applied (a business rule says no): kept with the
    /// reason, then DROP.</summary>
    public Task<TopicResponse> RefuseAsync(TopicDelivery delivery, string topic, string reason, CancellationToken cancellationToken) =>
        KeepAsync(delivery, topic, reason, TopicResponse.Drop(), cancellationToken);

    /// <summary>For the <c>&lt;topic&gt;-dlq</c> subscription: what the sidecar forwarded is recorded unless its id already
    /// is (an event this app refused keeps the reason it was refused for), then SUCCESS.</summary>
    public Task<TopicResponse> KeepDeadLetteredAsync(TopicDelivery delivery, string topic, CancellationToken cancellationToken) =>
        KeepAsync(delivery, topic, DeadLetter.SidecarDeadLettered, TopicResponse.Success(), cancellationToken);

    private async Task<TopicResponse> KeepAsync(TopicDelivery delivery, string topic, string reason, TopicResponse answer, CancellationToken cancellationToken)
    {
        try
        {
            await deadLetters.RecordAsync(delivery, topic, reason, cancellationToken);
            EventMetrics.DeadLettered(topic, reason);
            return answer;
        }
        catch (Exception e) when (e is DaprException or DeadLetterStoreException)
        {
            logger.LogWarning(e, "Dead letter for event {EventId} on {Topic} not recorded yet; it will be redelivered", delivery.Id, topic);
            return TopicResponse.Retry();
        }
    }
}
