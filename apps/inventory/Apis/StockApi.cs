using Dapr.Actors;
using Dapr.Actors.Client;
using Microsoft.AspNetCore.Http.HttpResults;
using Sidecart.Inventory.Actors;

namespace Sidecart.Inventory.Apis;

public static class StockApi
{
    public static IEndpointRouteBuilder MapStockApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/stock").WithTags("Stock")
            .MapGet("/{sku}", GetStock).WithName("GetStock");
        return app;
    }

    /// <summary>Asks the SKU's actor, so the answer is serialised with reservations; a SKU never stocked has 0/0.</summary>
    public static async Task<Ok<StockLevel>> GetStock(string sku, IActorProxyFactory proxies) =>
        TypedResults.Ok(await proxies.CreateActorProxy<ISkuActor>(new ActorId(sku), SkuActor.TypeName).GetStock());
}
