using Polly.CircuitBreaker;
using Sidecart.Payments.Model;

namespace Sidecart.Payments.Infrastructure;

/// <summary>The circuit breaker in front of the provider, as an operator sees it: its state now (read from the breaker
/// through <see cref="StateProvider"/>), and when and how often it opened since this instance started (a failed probe
/// re-opens it). One per app instance, handed to the provider client's breaker by <see cref="ProviderResilience"/>.</summary>
public sealed class ProviderCircuit
{
    private readonly TimeProvider time;
    private readonly Lock _gate = new();
    private DateTimeOffset? _lastOpenedAt;
    private int _timesOpened;

    /// <summary>Handed to the circuit breaker strategy, which reports its state through it.</summary>
    public CircuitBreakerStateProvider StateProvider { get; } = new();

    public ProviderCircuit(TimeProvider time)
    {
        this.time = time;
        PaymentMetrics.Observe(this);
    }

    public void Opened()
    {
        lock (_gate)
        {
            _lastOpenedAt = time.GetUtcNow();
            _timesOpened++;
        }
    }

    public ProviderStatus Status()
    {
        lock (_gate)
        {
            return new ProviderStatus(StateProvider.CircuitState, _lastOpenedAt, _timesOpened);
        }
    }
}
