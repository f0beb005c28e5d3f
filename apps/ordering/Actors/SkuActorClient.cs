using Dapr.Actors;
using Dapr.Actors.Client;

namespace Sidecart.Ordering.Actors;

/// <summary>
/// Inventory's <c>Sku</c> actor (id = SKU), called through <see cref="ActorProxy"/> with plain JSON bodies rather than
/// .NET remoting, so the contract is Dapr's actor API and an actor host in any language can serve it. Every method is
/// idempotent per order id; releasing an order the SKU does not know is accepted, so compensation is always safe.
/// </summary>
public sealed class SkuActorClient(IActorProxyFactory proxies)
{
    public const string TypeName = "Sku";

    public Task<SkuReservationResult> ReserveAsync(string sku, SkuReserveRequest request) => InvokeAsync(sku, "Reserve", request);

    public Task<SkuReservationResult> ConfirmAsync(string sku, SkuOrderRequest request) => InvokeAsync(sku, "Confirm", request);

    public Task<SkuReservationResult> ReleaseAsync(string sku, SkuOrderRequest request) => InvokeAsync(sku, "Release", request);

    private Task<SkuReservationResult> InvokeAsync<TRequest>(string sku, string method, TRequest request) =>
        proxies.Create(new ActorId(sku), TypeName).InvokeMethodAsync<TRequest, SkuReservationResult>(method, request);
}
