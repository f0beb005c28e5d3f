namespace LocalSidecar.Resiliency;

/// <summary>A <c>dapr.io/v1alpha1 Resiliency</c> resource: named policies and the targets that use them.</summary>
public sealed record ResiliencySpec(
    string Name,
    IReadOnlyDictionary<string, TimeSpan> Timeouts,
    IReadOnlyDictionary<string, RetryPolicy> Retries,
    IReadOnlyDictionary<string, TargetPolicies> Apps,
    IReadOnlyDictionary<string, TargetPolicies> ComponentsInbound,
    IReadOnlyDictionary<string, TargetPolicies> ComponentsOutbound,
    IReadOnlyList<string> Scopes)
{
    /// <summary><c>policies.circuitBreakers</c>, by name.</summary>
    public IReadOnlyDictionary<string, CircuitBreakerPolicy> CircuitBreakers { get; init; } = new Dictionary<string, CircuitBreakerPolicy>(StringComparer.Ordinal);

    public bool IsScopedTo(string appId) => Scopes.Count == 0 || Scopes.Contains(appId, StringComparer.Ordinal);
}

/// <summary>Policy names attached to one target (by name; resolved against the policies sections).</summary>
public sealed record TargetPolicies(string? Timeout, string? Retry, string? CircuitBreaker);
