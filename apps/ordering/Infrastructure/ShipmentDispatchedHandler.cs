using Dapr;
using Sidecart.Events;
using Sidecart.Ordering.Events;
using Sidecart.Ordering.Services;

namespace Sidecart.Ordering.Infrastructure;

/// <summary>
/// Moves an order to Shipped when its <c>shipment-dispatched</c> event arrives, once per CloudEvent id. An event that
/// breaks its schema, or names an order that is unknown or can no longer ship, is kept as a dead letter with the reason
/// and dropped to <c>shipments-dlq</c>; one for an order still Pending is retried, since its confirmation may follow.
/// </summary>
public sealed class ShipmentDispatchedHandler(
    ValidatingConsumer consumer,
    EventContract<ShipmentDispatched> contract,
    IdempotentConsumer once,
    OrderService orders,
    ILogger<ShipmentDispatchedHandler> logger)
{
    public Task<TopicResponse> HandleAsync(TopicDelivery delivery, CancellationToken cancellationToken) =>
        consumer.HandleAsync(delivery, contract, (shipment, ct) =>
            once.HandleOnceAsync(delivery, OrderEventPublisher.PubSubName, ShipmentDispatched.Topic, token => ShipAsync(delivery, shipment, token), ct),
            cancellationToken);

    /// <summary>What the sidecar dead-lettered after failed deliveries is recorded too, unless it already is.</summary>
    public Task<TopicResponse> HandleDeadLetteredAsync(TopicDelivery delivery, CancellationToken cancellationToken) =>
        consumer.KeepDeadLetteredAsync(delivery, ShipmentDispatched.Topic, cancellationToken);

    private async Task<TopicResponse> ShipAsync(TopicDelivery delivery, ShipmentDispatched shipment, CancellationToken cancellationToken)
    {
        ShipmentOutcome outcome;
        try
        {
            outcome = await orders.MarkShippedAsync(shipment, cancellationToken);
        }
        catch (Exception e) when (e is DaprException or InvalidOperationException)
        {
            logger.LogWarning(e, "Shipment {ShipmentId} of order {OrderId} will be redelivered", shipment.ShipmentId, shipment.OrderId);
            return TopicResponse.Retry();
        }

        switch (outcome)
        {
            case ShipmentOutcome.Shipped:
                return TopicResponse.Success();
            case ShipmentOutcome.NotYetConfirmed:
                return TopicResponse.Retry();
            default:
                logger.LogError("Shipment {ShipmentId} cannot ship order {OrderId}: {Outcome}", shipment.ShipmentId, shipment.OrderId, outcome);
                return await consumer.RefuseAsync(delivery, ShipmentDispatched.Topic, Reason(shipment.OrderId, outcome), cancellationToken);
        }
    }

    private static string Reason(string orderId, ShipmentOutcome outcome) => outcome switch
    {
        ShipmentOutcome.UnknownOrder => $"unknown order: no order has id '{orderId}'",
        _ => $"not shippable: order '{orderId}' was rejected or cancelled",
    };
}
