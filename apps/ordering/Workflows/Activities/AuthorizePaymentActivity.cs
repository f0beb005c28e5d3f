using Dapr.Workflow;
using Sidecart.Ordering.Services;

namespace Sidecart.Ordering.Workflows.Activities;

/// <summary>Asks payments to authorize the order's amount. A decline is an answer; payments or its provider being
/// unavailable throws, and the workflow's retry policy decides whether to try again.</summary>
public sealed class AuthorizePaymentActivity(IPayments payments) : WorkflowActivity<PaymentAuthorization, PaymentResult>
{
    public override Task<PaymentResult> RunAsync(WorkflowActivityContext context, PaymentAuthorization authorization) =>
        payments.AuthorizeAsync(authorization, CancellationToken.None);
}
