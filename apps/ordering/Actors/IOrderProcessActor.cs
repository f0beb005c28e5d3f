using Sidecart.Dapr.Actors;
using Sidecart.Ordering.Events;
using Sidecart.Ordering.Model;

namespace Sidecart.Ordering.Actors;

/// <summary>Runs one order's saga (the actor id is the order id).</summary>
public interface IOrderProcessActor : IActor
{
    public const string TypeName = "OrderProcess";

    /// <summary>Records the order as Pending and starts its saga; a repeated start returns the order as it is now.</summary>
    Task<Order> Start(ValidOrderRequest request);

    Task<ShipmentOutcome> MarkShipped(ShipmentDispatched shipment);
}
