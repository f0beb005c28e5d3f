using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Sidecart.ServiceDefaults.Tests.Support;

namespace Sidecart.ServiceDefaults.Tests;

[Collection(nameof(ProcessWideTelemetry))]
public sealed class TelemetryExportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Without_an_otlp_endpoint_no_telemetry_providers_are_created()
    {
        await using var app = await ServiceDefaultsApp.StartAsync(_ => { });

        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.Null(app.Services.GetService<MeterProvider>());
        Assert.DoesNotContain(app.Services.GetServices<ILoggerProvider>(), p => p is OpenTelemetryLoggerProvider);
    }

    [Fact]
    public async Task With_an_otlp_endpoint_spans_metrics_and_logs_are_exported_and_flushed_at_shutdown()
    {
        var received = new ConcurrentQueue<(string Path, string? ContentType, byte[] Body)>();
        var collectorBuilder = WebApplication.CreateSlimBuilder();
        collectorBuilder.Logging.ClearProviders();
        collectorBuilder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var collector = collectorBuilder.Build();
        collector.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            received.Enqueue((context.Request.Path.Value!, context.Request.ContentType, body.ToArray()));
        });
        await collector.StartAsync(Ct);
        var collectorUrl = collector.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();

        var app = await ServiceDefaultsApp.StartAsync(
            app => app.MapGet("/ping", (ILoggerFactory loggers) =>
            {
                loggers.CreateLogger("Ping").LogWarning("Pinged by {Caller}", "a-test");
                return "pong";
            }),
            new Dictionary<string, string?>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collectorUrl,
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                // Long enough that only the flush at shutdown can export this test's span.
                ["OTEL_BSP_SCHEDULE_DELAY"] = "60000",
            });
        Assert.NotNull(app.Services.GetService<TracerProvider>());
        Assert.Equal("pong", await app.GetTestClient().GetStringAsync("/ping", Ct));
        using var probe = await app.GetTestClient().GetAsync("/healthz", Ct);
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        Assert.DoesNotContain(received, r => r.Path == "/v1/traces" && Contains(r.Body, "/ping"));

        // Spans and logs are batched; disposing the app disposes the providers, which must flush them.
        await app.DisposeAsync();

        var traces = received.Where(r => r.Path == "/v1/traces").ToList();
        Assert.NotEmpty(traces);
        Assert.All(traces, r => Assert.Equal("application/x-protobuf", r.ContentType));
        // OTLP protobuf keeps strings as UTF-8: the request span is there, the sidecar's health probe is not.
        Assert.Contains(traces, r => Contains(r.Body, "/ping"));
        Assert.DoesNotContain(traces, r => Contains(r.Body, "/healthz"));
        Assert.Contains(traces, r => Contains(r.Body, "ordering"));   // service.name is the app id
        Assert.Contains(received, r => r.Path == "/v1/metrics");
        Assert.Contains(received, r => r.Path == "/v1/logs" && Contains(r.Body, "Pinged by"));
    }

    private static bool Contains(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}
