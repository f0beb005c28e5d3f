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
    /// <summary>
    /// Exports traces and metrics of ASP.NET Core, HttpClient and the runtime over OTLP (gRPC, or HTTP with
    /// <c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c>), only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is configured.
    /// </summary>
    public static TBuilder AddOpenTelemetryExport<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var otlp = new OtlpEndpoint(builder.Configuration);
        if (!otlp.IsConfigured)
        {
            return builder;
        }

        var serviceName = ServiceIdentity.AppId(builder);
        builder.Services.AddSingleton(_ => Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .AddSource(TelemetrySources.ActivitySources)
            .AddOtlpExporter(options => otlp.Apply(options, "v1/traces"))
            .Build());
        builder.Services.AddSingleton(_ => Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .AddMeter(TelemetrySources.Meters)
            .AddOtlpExporter(options => otlp.Apply(options, "v1/metrics"))
            .Build());
        builder.Services.AddHostedService<TelemetryProvidersActivator>();
        return builder;
    }
}
