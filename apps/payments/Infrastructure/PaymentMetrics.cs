using System.Diagnostics.Metrics;
using Polly.CircuitBreaker;

namespace Sidecart.Payments.Infrastructure;

/// <summary>Payment declines, and the provider circuit's state as a gauge (0 closed, 1 half-open, 2 open, 3 isolated),
/// for the shop's operator; exported with the app's other <c>Sidecart.*</c> meters.</summary>
public static class PaymentMetrics
{
    public const string MeterName = "Sidecart.Payments";

    private static readonly Meter Meter = new(MeterName);
    private static ProviderCircuit? _circuit;

    private static readonly Counter<long> Declines = Meter.CreateCounter<long>(
        "sidecart.payments.declines", "{payment}", "Payments the provider declined.");

    private static readonly ObservableGauge<int> CircuitState = Meter.CreateObservableGauge(
        "sidecart.payments.provider_circuit.state",
        () => _circuit is { } circuit ? new[] { new Measurement<int>(Code(circuit.StateProvider.CircuitState)) } : [],
        "{state}", "The provider circuit breaker: 0 closed, 1 half-open, 2 open, 3 isolated.");

    public static void Declined() => Declines.Add(1);

    /// <summary>The circuit the gauge reads (the app's one instance).</summary>
    public static void Observe(ProviderCircuit circuit) => _circuit = circuit;

    private static int Code(CircuitState state) => state switch
    {
        Polly.CircuitBreaker.CircuitState.Closed => 0,
        Polly.CircuitBreaker.CircuitState.HalfOpen => 1,
        Polly.CircuitBreaker.CircuitState.Open => 2,
        _ => 3,
    };
}
