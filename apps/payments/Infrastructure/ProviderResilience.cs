using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Sidecart.Payments.Infrastructure;

/// <summary>
/// How calls to the provider survive a flaky provider: <see cref="ProviderOptions"/> as the options of the provider
/// client's standard resilience handler, whose strategies run outermost first: a total timeout over the whole
/// operation; retries with exponential backoff and jitter for transient failures (network errors, timeouts, 5xx, 408,
/// 429); a circuit breaker that stops calling a provider that keeps failing; a timeout per attempt. Retry sits outside
/// the breaker, so an open circuit fails the whole call at once instead of being retried. The handler's concurrency
/// limiter keeps its default (1000 calls at once, no queue).
/// </summary>
public static class ProviderResilience
{
    public static void Apply(HttpStandardResilienceOptions resilience, ProviderOptions provider, ProviderCircuit circuit, ILogger logger)
    {
        resilience.TotalRequestTimeout.Timeout = provider.TotalTimeout;
        resilience.AttemptTimeout.Timeout = provider.AttemptTimeout;

        var retry = resilience.Retry;
        retry.MaxRetryAttempts = provider.MaxRetryAttempts;
        retry.Delay = provider.RetryDelay;
        retry.BackoffType = DelayBackoffType.Exponential;
        retry.UseJitter = true;
        // The configured backoff decides, as before the standard handler; a provider's Retry-After is not waited for.
        retry.ShouldRetryAfterHeader = false;
        retry.ShouldHandle = args => ValueTask.FromResult(
            HttpClientResiliencePredicates.IsTransient(args.Outcome) && IsSafeToRepeat(args.Context.GetRequestMessage()));
        retry.OnRetry = args =>
        {
            logger.LogWarning("Payment provider call failed ({Failure}); retry {Attempt} of {MaxAttempts} in {DelayMs} ms",
                Describe(args.Outcome), args.AttemptNumber + 1, provider.MaxRetryAttempts, args.RetryDelay.TotalMilliseconds);
            return default;
        };

        // The breaker counts the same transient failures (its default), per attempt.
        var breaker = resilience.CircuitBreaker;
        breaker.FailureRatio = provider.CircuitBreaker.FailureRatio;
        breaker.MinimumThroughput = provider.CircuitBreaker.MinimumThroughput;
        breaker.SamplingDuration = provider.CircuitBreaker.SamplingDuration;
        breaker.BreakDuration = provider.CircuitBreaker.BreakDuration;
        breaker.StateProvider = circuit.StateProvider;
        breaker.OnOpened = args =>
        {
            circuit.Opened();
            logger.LogError("Payment provider circuit opened for {BreakMs} ms after {Failure}: calls fail fast until then",
                args.BreakDuration.TotalMilliseconds, Describe(args.Outcome));
            return default;
        };
        breaker.OnHalfOpened = _ =>
        {
            logger.LogInformation("Payment provider circuit half-open: the next call probes the provider");
            return default;
        };
        breaker.OnClosed = _ =>
        {
            logger.LogInformation("Payment provider circuit closed: the provider answers again");
            return default;
        };
    }

    /// <summary>Whether a failed provider call may be sent again. Only when the provider can tell the repeat from a new
    /// request: it carries an <c>Idempotency-Key</c> (every authorization and refund does; the provider answers a repeat
    /// with the first answer and charges once), or it only reads. A POST without a key could charge twice, so it is
    /// sent once.</summary>
    public static bool IsSafeToRepeat(HttpRequestMessage? request) =>
        request is not null
        && (request.Headers.Contains(PaymentProviderClient.IdempotencyKeyHeader)
            || request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Method == HttpMethod.Options);

    /// <summary>A provider answer that is worth trying again (5xx, 408, 429), as the retry and the breaker see it.</summary>
    public static bool IsTransient(HttpResponseMessage response) => HttpClientResiliencePredicates.IsTransient(Outcome.FromResult(response));

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } e ? e.GetType().Name : $"HTTP {(int)outcome.Result!.StatusCode}";
}
