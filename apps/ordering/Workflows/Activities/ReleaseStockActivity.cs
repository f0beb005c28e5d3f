using Dapr.Workflow;
using Sidecart.Ordering.Actors;

namespace Sidecart.Ordering.Workflows.Activities;

/// <summary>Gives the order's reservation of the SKU back to its stock (accepted when there is none).</summary>
public sealed class ReleaseStockActivity(SkuActorClient skus) : WorkflowActivity<StockRequest, SkuReservationResult>
{
    public override Task<SkuReservationResult> RunAsync(WorkflowActivityContext context, StockRequest request) =>
        skus.ReleaseAsync(request.Sku, new SkuOrderRequest(request.OrderId));
}
