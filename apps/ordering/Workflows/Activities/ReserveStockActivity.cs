using Dapr.Workflow;
using Sidecart.Ordering.Actors;

namespace Sidecart.Ordering.Workflows.Activities;

/// <summary>Takes the line's quantity from the SKU's stock for the order; refused when there is not enough.</summary>
public sealed class ReserveStockActivity(SkuActorClient skus) : WorkflowActivity<StockRequest, SkuReservationResult>
{
    public override Task<SkuReservationResult> RunAsync(WorkflowActivityContext context, StockRequest request) =>
        skus.ReserveAsync(request.Sku, new SkuReserveRequest(request.OrderId, request.Quantity));
}
