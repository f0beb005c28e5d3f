using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Sidecart.ServiceDefaults;
using Sidecart.ServiceDefaults.Telemetry;

namespace Microsoft.Extensions.Hosting;

public static class OpenTelemetryExtensions
{
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Exports traces, metrics and logs of ASP.NET Core, HttpClient, the runtime and <c>Sidecart.*</c> sources over
    /// OTLP, only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is configured (environment, appsettings or command line).
    /// The exporter reads the standard <c>OTEL_EXPORTER_OTLP_*</c> settings itself: gRPC by default,
    /// <c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c> posts to the endpoint's <c>/v1/traces</c>, <c>/v1/metrics</c>
    /// and <c>/v1/logs</c>. The sidecar's health probes are not traced.
    /// </summary>
    public static TBuilder AddOpenTelemetryExport<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointVariable]))
        {
            return builder;
        }

        var serviceName = ServiceIdentity.AppId(builder);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !context.Request.Path.StartsWithSegments(ServiceDefaultsExtensions.HealthPath))
                .AddHttpClientInstrumentation()
                .AddSource(TelemetrySources.ActivitySources))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddMeter(TelemetrySources.Meters))
            // Serilog hands every event to the OpenTelemetry logger provider too (AddSerilogLogging: writeToProviders).
            .WithLogging()
            .UseOtlpExporter();
        return builder;
    }
}
