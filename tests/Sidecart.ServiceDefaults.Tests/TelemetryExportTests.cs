using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Sidecart.ServiceDefaults.Tests.Support;

namespace Sidecart.ServiceDefaults.Tests;

public sealed class TelemetryExportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Without_an_otlp_endpoint_no_telemetry_providers_are_created()
    {
        await using var app = await ServiceDefaultsApp.StartAsync(_ => { });

        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.Null(app.Services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task With_an_otlp_endpoint_request_spans_are_exported_and_flushed_at_shutdown()
    {
        var received = new ConcurrentQueue<(string Path, string? ContentType)>();
        var collectorBuilder = WebApplication.CreateSlimBuilder();
        collectorBuilder.Logging.ClearProviders();
        collectorBuilder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var collector = collectorBuilder.Build();
        collector.Run(context =>
        {
            received.Enqueue((context.Request.Path.Value!, context.Request.ContentType));
            return Task.CompletedTask;
        });
        await collector.StartAsync(Ct);
        var collectorUrl = collector.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();

        var app = await ServiceDefaultsApp.StartAsync(
            app => app.MapGet("/ping", () => "pong"),
            new Dictionary<string, string?>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collectorUrl,
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            });
        Assert.Equal("pong", await app.GetTestClient().GetStringAsync("/ping", Ct));
        Assert.DoesNotContain(received, r => r.Path == "/v1/traces");

        // Spans are batched; disposing the app disposes the providers, which must flush them.
        await app.DisposeAsync();

        Assert.Contains(received, r => r.Path == "/v1/traces" && r.ContentType == "application/x-protobuf");
        Assert.Contains(received, r => r.Path == "/v1/metrics");
    }
}
