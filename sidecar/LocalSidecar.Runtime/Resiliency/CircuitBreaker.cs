namespace LocalSidecar.Resiliency;

/// <summary>One breaker (per target app and method, as daprd keeps them), with gobreaker's rules: closed counts calls
/// and opens when <c>trip</c> says so; open refuses every call until <c>timeout</c> has passed; half-open lets
/// <c>maxRequests</c> calls through, closing after that many successes in a row and opening again on a failure.</summary>
public sealed class CircuitBreaker(CircuitBreakerPolicy policy, TimeProvider time)
{
    public const string Closed = "closed";
    public const string Open = "open";
    public const string HalfOpen = "half-open";

    private readonly Lock _gate = new();
    private string _state = Closed;
    private BreakerCounts _counts;
    private DateTimeOffset _expiry = policy.Interval > TimeSpan.Zero ? time.GetUtcNow() + policy.Interval : DateTimeOffset.MaxValue;

    public CircuitBreakerPolicy Policy { get; } = policy;

    /// <summary><c>closed</c>, <c>open</c> or <c>half-open</c>, as daprd's metrics name them.</summary>
    public string State
    {
        get
        {
            lock (_gate)
            {
                Refresh(time.GetUtcNow());
                return _state;
            }
        }
    }

    /// <summary>Asks to make a call; null when it may go, else gobreaker's reason (daprd returns it as the error).</summary>
    public string? TryEnter()
    {
        lock (_gate)
        {
            Refresh(time.GetUtcNow());
            if (_state == Open)
            {
                return "circuit breaker is open";
            }

            if (_state == HalfOpen && _counts.Requests >= Math.Max(1, Policy.MaxRequests))
            {
                return "too many requests";
            }

            _counts = _counts with { Requests = _counts.Requests + 1 };
            return null;
        }
    }

    /// <summary>The outcome of a call <see cref="TryEnter"/> let through.</summary>
    public void Complete(bool success)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            Refresh(now);
            if (success)
            {
                _counts = _counts with { TotalSuccesses = _counts.TotalSuccesses + 1, ConsecutiveSuccesses = _counts.ConsecutiveSuccesses + 1, ConsecutiveFailures = 0 };
                if (_state == HalfOpen && _counts.ConsecutiveSuccesses >= Math.Max(1, Policy.MaxRequests))
                {
                    Enter(Closed, now);
                }

                return;
            }

            _counts = _counts with { TotalFailures = _counts.TotalFailures + 1, ConsecutiveFailures = _counts.ConsecutiveFailures + 1, ConsecutiveSuccesses = 0 };
            if (_state == HalfOpen || (_state == Closed && Policy.Trip.ShouldTrip(_counts)))
            {
                Enter(Open, now);
            }
        }
    }

    private void Refresh(DateTimeOffset now)
    {
        if (now < _expiry)
        {
            return;
        }

        if (_state == Open)
        {
            Enter(HalfOpen, now);
        }
        else if (_state == Closed)
        {
            Enter(Closed, now);
        }
    }

    /// <summary>A new generation: counts cleared, and the time it ends (the open timeout, or the closed interval).</summary>
    private void Enter(string state, DateTimeOffset now)
    {
        _state = state;
        _counts = default;
        _expiry = state switch
        {
            Open => now + (Policy.Timeout > TimeSpan.Zero ? Policy.Timeout : TimeSpan.FromSeconds(60)),
            Closed when Policy.Interval > TimeSpan.Zero => now + Policy.Interval,
            _ => DateTimeOffset.MaxValue,
        };
    }
}
