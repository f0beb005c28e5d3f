using Sidecart.Dapr.Actors;

namespace Sidecart.Ordering.Actors;

/// <summary>Inventory's <c>Sku</c> actor (id = SKU), as ordering calls it. Every method is idempotent per order id;
/// releasing an order the SKU does not know is accepted, so compensation is always safe.</summary>
public interface ISkuActor : IActor
{
    public const string TypeName = "Sku";

    Task<SkuReservationResult> Reserve(SkuReserveRequest request);

    Task<SkuReservationResult> Confirm(SkuOrderRequest request);

    Task<SkuReservationResult> Release(SkuOrderRequest request);
}

public sealed record SkuReserveRequest(string OrderId, int Quantity);

public sealed record SkuOrderRequest(string OrderId);

public sealed record SkuReservationResult(string OrderId, string Sku, bool Accepted, string? Reason, int Available, int Reserved);
