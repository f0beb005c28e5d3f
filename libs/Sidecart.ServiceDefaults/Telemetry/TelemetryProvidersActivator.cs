using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Sidecart.ServiceDefaults.Telemetry;

/// <summary>
/// Resolves the tracer and meter providers at startup: singletons are otherwise built on first use, and nothing
/// else asks for them. The container then disposes them at shutdown, flushing pending exports.
/// </summary>
internal sealed class TelemetryProvidersActivator(TracerProvider tracerProvider, MeterProvider meterProvider) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(tracerProvider);
        GC.KeepAlive(meterProvider);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
