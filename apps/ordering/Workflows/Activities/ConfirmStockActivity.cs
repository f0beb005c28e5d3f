using Dapr.Workflow;
using Sidecart.Ordering.Actors;

namespace Sidecart.Ordering.Workflows.Activities;

/// <summary>Turns the order's reservation of the SKU into a sale.</summary>
public sealed class ConfirmStockActivity(SkuActorClient skus) : WorkflowActivity<StockRequest, SkuReservationResult>
{
    public override Task<SkuReservationResult> RunAsync(WorkflowActivityContext context, StockRequest request) =>
        skus.ConfirmAsync(request.Sku, new SkuOrderRequest(request.OrderId));
}
