namespace LocalSidecar.Resiliency;

/// <summary>Resolves which retry policy applies to a target, following Dapr's order:
/// the target's named policy, then the most specific default, then the general default.</summary>
public sealed class ResiliencyPolicies(IReadOnlyList<ResiliencySpec> specs)
{
    public static ResiliencyPolicies None { get; } = new([]);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string AppId, string Endpoint), CircuitBreaker> _appBreakers = new();

    /// <summary>The breaker for one method of an app (daprd keeps one per target app and endpoint), or null when no
    /// circuit breaker policy applies to the app.</summary>
    public CircuitBreaker? AppCircuitBreaker(string appId, string endpoint)
    {
        var policy = NamedBreaker(appId) ?? DefaultBreaker("DefaultAppCircuitBreakerPolicy", "DefaultCircuitBreakerPolicy");
        return policy is null ? null : _appBreakers.GetOrAdd((appId, endpoint), _ => new CircuitBreaker(policy, TimeProvider.System));
    }

    /// <summary>The name daprd's <c>dapr_resiliency_*</c> metrics carry: daprd merges every Resiliency resource into
    /// one set of policies named after the last one loaded.</summary>
    public string Name => specs.Count > 0 ? specs[^1].Name : "";

    /// <summary><c>dapr_resiliency_loaded</c>, once per resource.</summary>
    public void RecordLoaded(Diagnostics.Metrics.DaprMetrics metrics)
    {
        foreach (var spec in specs)
        {
            metrics.ResiliencyPolicyLoaded(spec.Name);
        }
    }

    public RetryPolicy? PubSubInboundRetry(string component) =>
        Named(s => s.ComponentsInbound, component)
        ?? Default("DefaultPubsubComponentInboundRetryPolicy", "DefaultComponentInboundRetryPolicy", "DefaultRetryPolicy");

    public RetryPolicy? PubSubOutboundRetry(string component) =>
        Named(s => s.ComponentsOutbound, component)
        ?? Default("DefaultPubsubComponentOutboundRetryPolicy", "DefaultComponentOutboundRetryPolicy", "DefaultRetryPolicy");

    public RetryPolicy? AppRetry(string appId) =>
        Named(s => s.Apps, appId) ?? Default("DefaultAppRetryPolicy", "DefaultRetryPolicy");

    public TimeSpan? AppTimeout(string appId)
    {
        foreach (var spec in specs)
        {
            if (spec.Apps.TryGetValue(appId, out var target) && target.Timeout is { } name && spec.Timeouts.TryGetValue(name, out var t))
            {
                return t;
            }
        }

        return DefaultTimeout("DefaultAppTimeoutPolicy", "DefaultTimeoutPolicy");
    }

    private RetryPolicy? Named(Func<ResiliencySpec, IReadOnlyDictionary<string, TargetPolicies>> targets, string name)
    {
        foreach (var spec in specs)
        {
            if (targets(spec).TryGetValue(name, out var target) && target.Retry is { } retry && spec.Retries.TryGetValue(retry, out var policy))
            {
                return policy;
            }
        }

        return null;
    }

    private RetryPolicy? Default(params string[] names)
    {
        foreach (var name in names)
        {
            foreach (var spec in specs)
            {
                if (spec.Retries.TryGetValue(name, out var policy))
                {
                    return policy;
                }
            }
        }

        return null;
    }

    private CircuitBreakerPolicy? NamedBreaker(string appId)
    {
        foreach (var spec in specs)
        {
            if (spec.Apps.TryGetValue(appId, out var target) && target.CircuitBreaker is { } name && spec.CircuitBreakers.TryGetValue(name, out var policy))
            {
                return policy;
            }
        }

        return null;
    }

    private CircuitBreakerPolicy? DefaultBreaker(params string[] names)
    {
        foreach (var name in names)
        {
            foreach (var spec in specs)
            {
                if (spec.CircuitBreakers.TryGetValue(name, out var policy))
                {
                    return policy;
                }
            }
        }

        return null;
    }

    private TimeSpan? DefaultTimeout(params string[] names)
    {
        foreach (var name in names)
        {
            foreach (var spec in specs)
            {
                if (spec.Timeouts.TryGetValue(name, out var t))
                {
                    return t;
                }
            }
        }

        return null;
    }
}
