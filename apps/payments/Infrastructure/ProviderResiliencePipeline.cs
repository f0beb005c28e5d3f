using System.Net;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Sidecart.Payments.Infrastructure;

/// <summary>
/// How calls to the provider are made to survive a flaky provider: each attempt is bounded by a timeout, failed
/// attempts (network errors, timeouts, 5xx, 408, 429) are retried with exponential backoff, and a circuit breaker
/// around the attempts stops calling a provider that keeps failing. Retry is outermost, so an open circuit fails
/// the whole call at once instead of being retried. The caller resends the same idempotency key on every attempt.
/// </summary>
public static class ProviderResiliencePipeline
{
    public static ResiliencePipeline<HttpResponseMessage> Create(ProviderOptions options, ProviderCircuit circuit, TimeProvider time, ILogger logger)
    {
        var transient = new PredicateBuilder<HttpResponseMessage>()
            .Handle<HttpRequestException>()
            .Handle<TimeoutRejectedException>()
            .HandleResult(IsTransient);

        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = transient,
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    logger.LogWarning("Payment provider call failed ({Failure}); retry {Attempt} of {MaxAttempts} in {DelayMs} ms",
                        Describe(args.Outcome), args.AttemptNumber + 1, options.MaxRetryAttempts, args.RetryDelay.TotalMilliseconds);
                    return default;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = transient,
                FailureRatio = options.CircuitBreaker.FailureRatio,
                MinimumThroughput = options.CircuitBreaker.MinimumThroughput,
                SamplingDuration = options.CircuitBreaker.SamplingDuration,
                BreakDuration = options.CircuitBreaker.BreakDuration,
                StateProvider = circuit.StateProvider,
                OnOpened = args =>
                {
                    circuit.Opened();
                    logger.LogError("Payment provider circuit opened for {BreakMs} ms after {Failure}: calls fail fast until then",
                        args.BreakDuration.TotalMilliseconds, Describe(args.Outcome));
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    logger.LogInformation("Payment provider circuit half-open: the next call probes the provider");
                    return default;
                },
                OnClosed = _ =>
                {
                    logger.LogInformation("Payment provider circuit closed: the provider answers again");
                    return default;
                },
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    public static bool IsTransient(HttpResponseMessage response) =>
        (int)response.StatusCode >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } e ? e.GetType().Name : $"HTTP {(int)outcome.Result!.StatusCode}";
}
