using LocalSidecar.Components;
using LocalSidecar.Components.Configuration;
using LocalSidecar.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LocalSidecar.Diagnostics;

/// <summary>One sidecar's spans, metrics and API logging, as its Configuration and flags set them.</summary>
public sealed class SidecarTelemetry : IAsyncDisposable
{
    public SidecarTelemetry(string appId, ConfigurationSpec configuration, bool? enableApiLogging, Func<string, string?> environment, ILoggerFactory loggers)
    {
        var observability = configuration.Observability;
        Tracing = new SidecarTracing(appId, TracingSettings.From(observability.Tracing, environment), environment, loggers.CreateLogger("dapr.runtime.diagnostics"));
        Metrics = new DaprMetrics(appId, observability.Metrics, environment("NAMESPACE"));
        // --enable-api-logging, when given, wins over spec.logging.apiLogging.enabled.
        ApiLogging = observability.ApiLogging with { Enabled = enableApiLogging ?? observability.ApiLogging.Enabled };
        HttpApiLog = loggers.CreateLogger("dapr.runtime.http-info");
        GrpcApiLog = loggers.CreateLogger("dapr.runtime.grpc.api-info");
    }

    public SidecarTracing Tracing { get; }

    public DaprMetrics Metrics { get; }

    public ApiLoggingSpec ApiLogging { get; }

    internal ILogger HttpApiLog { get; }

    internal ILogger GrpcApiLog { get; }

    /// <summary>The metrics listener's port once started; null when metrics are not served.</summary>
    public int? MetricsPort => _metricsServer?.Port;

    private MetricsServer? _metricsServer;

    /// <summary>Opens <c>--metrics-port</c> (0: a free port).</summary>
    public async Task StartMetricsServerAsync(int port, CancellationToken cancellationToken) =>
        _metricsServer = await MetricsServer.StartAsync(Metrics, port, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_metricsServer is not null)
        {
            await _metricsServer.DisposeAsync();
        }

        Tracing.Dispose();
    }
}
