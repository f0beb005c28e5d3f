using Sidecart.Dapr;
using Sidecart.Ordering.Events;

namespace Sidecart.Ordering.Infrastructure;

public sealed class OrderEventPublisher(DaprClient dapr) : IOrderEventPublisher
{
    public const string PubSubName = "pubsub";

    public Task PublishAsync(OrderStatusChanged change, CancellationToken cancellationToken) =>
        dapr.PublishEventAsync(
            PubSubName,
            OrderStatusChanged.Topic,
            change,
            OrderingJsonContext.Default.OrderStatusChanged,
            new Dictionary<string, string> { [DaprMetadata.CloudEventId] = change.CloudEventId },
            cancellationToken);
}
