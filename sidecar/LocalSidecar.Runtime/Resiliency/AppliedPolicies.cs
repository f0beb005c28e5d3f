using LocalSidecar.Hosting;

namespace LocalSidecar.Resiliency;

/// <summary>The policies put in front of one target, as daprd's resiliency metrics count them: building them counts
/// each in <c>dapr_resiliency_count</c> (a circuit breaker with its state), and each retry, a timeout's first expiry or a
/// breaker's change of state in <c>dapr_resiliency_activations_total</c>; <c>dapr_resiliency_cb_state</c> shows the
/// breaker's state (1 on the current state's series, 0 on the others).</summary>
public sealed class AppliedPolicies
{
    private readonly Diagnostics.Metrics.DaprMetrics? _metrics;
    private readonly string _name;
    private readonly string _target;
    private readonly string _direction;
    private int _timeoutCounted;

    /// <param name="target">daprd's target label: <c>app_&lt;id&gt;</c>, <c>Pubsub_&lt;component&gt;</c>...</param>
    /// <param name="direction"><c>outbound</c> or <c>inbound</c>.</param>
    public AppliedPolicies(SidecarContext context, string target, string direction, bool timeout, bool retry, CircuitBreaker? breaker = null)
    {
        _metrics = context.Telemetry?.Metrics;
        _name = context.Resiliency.Name;
        _target = target;
        _direction = direction;
        if (timeout)
        {
            _metrics?.ResiliencyExecuted(_name, "timeout", direction, target);
        }

        if (retry)
        {
            _metrics?.ResiliencyExecuted(_name, "retry", direction, target);
        }

        if (breaker is not null)
        {
            _metrics?.CircuitBreakerExecuted(_name, direction, target, breaker.State);
        }
    }

    /// <summary>A call through the breaker changed its state (compared before the call and after it).</summary>
    public void CircuitBreakerChanged(string state) => _metrics?.CircuitBreakerChanged(_name, _direction, _target, state);

    public void Retrying() => _metrics?.ResiliencyActivated(_name, "retry", _direction, _target);

    public void TimeoutExpired()
    {
        if (Interlocked.Exchange(ref _timeoutCounted, 1) == 0)
        {
            _metrics?.ResiliencyActivated(_name, "timeout", _direction, _target);
        }
    }
}
