using Sidecart.Dapr.Actors;

namespace Sidecart.Inventory.Actors;

/// <summary>
/// The stock of one SKU (actor type <c>Sku</c>, id = the SKU), hosted by app <c>inventory</c>. Ordering calls it through
/// its own sidecar; every method is idempotent by its order or receipt id.
/// </summary>
public interface ISkuActor : IActor
{
    /// <summary>Holds stock for an order until it confirms or releases, or <c>Inventory:ReservationTimeout</c> passes.</summary>
    Task<StockOperationResult> Reserve(ReserveStock request);

    Task<StockOperationResult> Confirm(StockOrderRef order);

    Task<StockOperationResult> Release(StockOrderRef order);

    Task<StockReceiptResult> AddStock(StockReceipt receipt);

    Task<StockLevel> GetStock();
}
