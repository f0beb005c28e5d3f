namespace LocalSidecar.Resiliency;

/// <summary>A Resiliency <c>circuitBreakers</c> entry: <c>maxRequests</c> (calls let through while half-open, default 1),
/// <c>interval</c> (how often the closed breaker forgets its counts; 0: never), <c>timeout</c> (how long it stays open,
/// default 60s) and <c>trip</c>.</summary>
public sealed record CircuitBreakerPolicy(string Name, int MaxRequests, TimeSpan Interval, TimeSpan Timeout, TripExpression Trip);
