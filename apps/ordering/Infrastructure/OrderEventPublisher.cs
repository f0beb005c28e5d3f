using Dapr.Client;
using Sidecart.Ordering.Events;

namespace Sidecart.Ordering.Infrastructure;

/// <summary>Publishes status changes on <c>orders</c>: the CloudEvent id is <c>{orderId}-{status}</c>, and the order id is
/// the partition key, so the events of one order keep their order on brokers that partition (Kafka).</summary>
public sealed class OrderEventPublisher(DaprClient dapr) : IOrderEventPublisher
{
    public const string PubSubName = "pubsub";

    public async Task PublishAsync(OrderStatusChanged change, CancellationToken cancellationToken)
    {
        await dapr.PublishEventAsync(
            PubSubName,
            OrderStatusChanged.Topic,
            change,
            new Dictionary<string, string> { ["cloudevent.id"] = change.CloudEventId, ["partitionKey"] = change.OrderId },
            cancellationToken);
        OrderMetrics.Published(change);
    }
}
