using Sidecart.Dapr;
using Sidecart.Dapr.Actors;
using Sidecart.Ordering.Actors;
using Sidecart.Ordering.Events;
using Sidecart.Ordering.Model;

namespace Sidecart.Ordering.Services;

/// <summary>Hands orders to their OrderProcess actors. Places an order exactly once per <c>Idempotency-Key</c>: the key
/// is claimed in <c>statestore</c> with a first-write save, so of two concurrent requests with one key only one order
/// id wins and both start that order.</summary>
public sealed class OrderService(DaprClient dapr, IActorProxyFactory actors)
{
    public const string StoreName = "statestore";

    public async Task<Order> PlaceAsync(string idempotencyKey, ValidOrderRequest request, CancellationToken cancellationToken)
    {
        var key = $"idempotency-{idempotencyKey}";
        var candidate = new IdempotencyRecord($"ord-{Guid.NewGuid():N}");
        var claimed = await dapr.TrySaveStateAsync(StoreName, key, candidate, OrderingJsonContext.Default.IdempotencyRecord, etag: null, StateOptions.FirstWrite, cancellationToken: cancellationToken);
        var orderId = claimed
            ? candidate.OrderId
            : (await dapr.GetStateAsync(StoreName, key, OrderingJsonContext.Default.IdempotencyRecord, StateConsistency.Strong, cancellationToken: cancellationToken))?.OrderId
              ?? throw new InvalidOperationException($"Idempotency key {idempotencyKey} is taken but names no order.");

        // Starting is idempotent too: a retry after a crash between claiming the key and starting the order starts
        // it now, and a repeated request gets the order as it is.
        return await Process(orderId).Start(request);
    }

    public Task<ShipmentOutcome> MarkShippedAsync(ShipmentDispatched shipment) => Process(shipment.OrderId).MarkShipped(shipment);

    private IOrderProcessActor Process(string orderId) => actors.CreateProxy<IOrderProcessActor>(orderId, IOrderProcessActor.TypeName);
}
