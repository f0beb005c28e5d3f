using LocalSidecar.Hosting;

namespace LocalSidecar.Resiliency;

/// <summary>The policies put in front of one target, as daprd's resiliency metrics count them: building them counts
/// each in <c>dapr_resiliency_count</c>, and each retry, or a timeout's first expiry, in
/// <c>dapr_resiliency_activations_total</c>.</summary>
public sealed class AppliedPolicies
{
    private readonly Diagnostics.Metrics.DaprMetrics? _metrics;
    private readonly string _name;
    private readonly string _target;
    private readonly string _direction;
    private int _timeoutCounted;

    /// <param name="target">daprd's target label: <c>app_&lt;id&gt;</c>, <c>Pubsub_&lt;component&gt;</c>...</param>
    /// <param name="direction"><c>outbound</c> or <c>inbound</c>.</param>
    public AppliedPolicies(SidecarContext context, string target, string direction, bool timeout, bool retry)
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
    }

    public void Retrying() => _metrics?.ResiliencyActivated(_name, "retry", _direction, _target);

    public void TimeoutExpired()
    {
        if (Interlocked.Exchange(ref _timeoutCounted, 1) == 0)
        {
            _metrics?.ResiliencyActivated(_name, "timeout", _direction, _target);
        }
    }
}
