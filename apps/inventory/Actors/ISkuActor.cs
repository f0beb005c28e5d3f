using Dapr.Actors;

namespace Sidecart.Inventory.Actors;

/// <summary>
/// The stock of one SKU (actor type <c>Sku</c>, id = the SKU), hosted by app <c>inventory</c>. Ordering calls it through
/// its own sidecar; every method is idempotent by its order or receipt id.
/// </summary>
/// <remarks>
/// The wire is JSON with camelCase names (<see cref="InventoryJson.Options"/>). A plain call (no remoting header: the SDK's
/// <c>ActorProxy.Create(id, "Sku").InvokeMethodAsync&lt;TRequest, TResponse&gt;("Reserve", ...)</c>) sends the argument as
/// the body and gets the result as the answer. A typed proxy (<c>ActorProxy.Create&lt;ISkuActor&gt;</c> with
/// <c>UseJsonSerialization</c>) wraps them, <c>{"value":{"request":...}}</c> and <c>{"value":{"retVal":...}}</c>, and the
/// runtime finds the method by ids hashed from the interface's namespace and name and the method's name, and reads the
/// argument by the parameter's name: a caller's copy of this interface keeps the namespace
/// <c>Sidecart.Inventory.Actors</c>, the name <c>ISkuActor</c>, the method names and the parameter name <c>request</c>.
/// </remarks>
public interface ISkuActor : IActor
{
    /// <summary>Holds stock for an order until it confirms or releases, or <c>Inventory:ReservationTimeout</c> passes.</summary>
    Task<StockOperationResult> Reserve(ReserveStock request);

    Task<StockOperationResult> Confirm(StockOrderRef request);

    Task<StockOperationResult> Release(StockOrderRef request);

    Task<StockReceiptResult> AddStock(StockReceipt request);

    Task<StockLevel> GetStock();
}
