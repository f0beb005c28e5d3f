using Microsoft.AspNetCore.Http.HttpResults;
using Sidecart.Payments.Infrastructure;
using Sidecart.Payments.Model;
using Sidecart.Payments.Services;

namespace Sidecart.Payments.Apis;

/// <summary>The payments contract other apps call through Dapr service invocation (ordering's saga). Both operations
/// are idempotent per order id; a decline is a 200 outcome; 503 means "no answer from the provider: compensate or
/// try again later" and is safe to retry with the same order id.</summary>
public static class PaymentsApi
{
    public static IEndpointRouteBuilder MapPaymentsApi(this IEndpointRouteBuilder app)
    {
        var payments = app.MapGroup("/payments").WithTags("Payments");
        payments.MapPost("/authorize", Authorize)
            .WithName("AuthorizePayment")
            .WithSummary("Authorizes the payment of an order, once per order id")
            .WithDescription("Charges the customer through the payment provider. The same order id always gets the same answer and is charged at most once. "
                + "Declined is a 200 outcome with a reason. 409 when the order already has a payment with other details; "
                + "503 when the provider stays unavailable after retries or its circuit is open (safe to retry later).")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        payments.MapPost("/refund", Refund)
            .WithName("RefundPayment")
            .WithSummary("Gives back the authorized payment of an order")
            .WithDescription("Refunds the order's authorized payment; repeating a refund gives the same answer. NotAuthorized (200) when the order "
                + "has no authorized payment (never authorized, or declined). 503 when the provider stays unavailable (safe to retry later).")
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        payments.MapGet("/provider-status", (ProviderCircuit circuit) => TypedResults.Ok(circuit.Status()))
            .WithName("GetProviderStatus")
            .WithSummary("Whether payments is calling the payment provider now")
            .WithDescription("The circuit breaker in front of the provider: Closed (calling it), Open (failing fast with 503 after repeated failures) "
                + "or HalfOpen (probing it again), with when and how often it opened since this instance started.");
        return app;
    }

    public static async Task<Results<Ok<AuthorizeResponse>, ValidationProblem, ProblemHttpResult>> Authorize(
        AuthorizeRequest request, PaymentService payments, CancellationToken cancellationToken)
    {
        var errors = PaymentRules.Validate(request, out var payment);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        try
        {
            var record = await payments.AuthorizeAsync(payment!, cancellationToken);
            return record.IsFor(payment!)
                ? TypedResults.Ok(record.ToAuthorizeResponse())
                : TypedResults.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: "Order already has a different payment",
                    detail: $"Order '{payment!.OrderId}' already has a payment of {record.Amount} {record.Currency} for customer '{record.CustomerId}'.");
        }
        catch (PaymentProviderException e)
        {
            return ProviderProblem(e);
        }
    }

    public static async Task<Results<Ok<RefundResponse>, ValidationProblem, ProblemHttpResult>> Refund(
        RefundRequest request, PaymentService payments, CancellationToken cancellationToken)
    {
        var errors = PaymentRules.Validate(request, out var orderId);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        try
        {
            return TypedResults.Ok(await payments.RefundAsync(orderId!, cancellationToken));
        }
        catch (PaymentProviderException e)
        {
            return ProviderProblem(e);
        }
    }

    private static ProblemHttpResult ProviderProblem(PaymentProviderException e) =>
        TypedResults.Problem(statusCode: e.StatusCode, title: e.Title, detail: e.Message);
}
