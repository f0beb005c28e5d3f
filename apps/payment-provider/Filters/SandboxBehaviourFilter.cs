using Sidecart.PaymentProvider.Services;

namespace Sidecart.PaymentProvider.Filters;

/// <summary>Plays the sandbox's switches on every <c>/v1</c> call: counts it, answers 503 during an outage, and
/// otherwise processes it, then holds the answer back for the configured latency.</summary>
public sealed class SandboxBehaviourFilter(BehaviourSwitch behaviour, Ledger ledger) : IEndpointFilter
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        ledger.RecordRequest(http.Request.Headers[IdempotencyKeyHeader].FirstOrDefault());
        if (behaviour.Current.Outage)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Provider outage",
                detail: "The sandbox is simulating an outage.", extensions: new Dictionary<string, object?> { ["code"] = "outage" });
        }

        var latency = behaviour.TakeLatency();
        var result = await next(context);
        if (latency > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(latency, http.RequestAborted);
            }
            catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
            {
                // The caller gave up waiting; the call was processed all the same, as with a real slow provider.
                return TypedResults.Empty;
            }
        }

        return result;
    }
}
