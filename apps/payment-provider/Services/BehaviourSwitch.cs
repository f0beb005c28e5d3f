using Sidecart.PaymentProvider.Model;

namespace Sidecart.PaymentProvider.Services;

/// <summary>The sandbox switches for latency and outages, changed through <c>POST /admin/behaviour</c>.</summary>
public sealed class BehaviourSwitch
{
    private readonly Lock _gate = new();
    private Behaviour _current = new(LatencyMs: 0, SlowRequests: null, Outage: false);

    public Behaviour Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    public Behaviour Change(BehaviourChange change)
    {
        lock (_gate)
        {
            _current = new Behaviour(
                change.LatencyMs ?? _current.LatencyMs,
                change.LatencyMs is not null || change.SlowRequests is not null ? change.SlowRequests : _current.SlowRequests,
                change.Outage ?? _current.Outage);
            return _current;
        }
    }

    /// <summary>The latency for the call now arriving; counts it against <see cref="Behaviour.SlowRequests"/>.</summary>
    public TimeSpan TakeLatency()
    {
        lock (_gate)
        {
            if (_current.LatencyMs <= 0 || _current.SlowRequests == 0)
            {
                return TimeSpan.Zero;
            }

            if (_current.SlowRequests is { } remaining)
            {
                _current = _current with { SlowRequests = remaining - 1 };
            }

            return TimeSpan.FromMilliseconds(_current.LatencyMs);
        }
    }
}
