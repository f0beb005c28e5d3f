using Dapr.Workflow;
using Sidecart.Ordering.Services;

namespace Sidecart.Ordering.Workflows.Activities;

/// <summary>Gives back whatever the order was charged; throws until payments acknowledges it. Payments refunds at most
/// once per order id, so asking again is safe.</summary>
public sealed class RefundPaymentActivity(IPayments payments, ILogger<RefundPaymentActivity> logger) : WorkflowActivity<string, bool>
{
    public override async Task<bool> RunAsync(WorkflowActivityContext context, string orderId)
    {
        await payments.RefundAsync(orderId, CancellationToken.None);
        logger.LogInformation("Payment of order {OrderId} refunded", orderId);
        return true;
    }
}
