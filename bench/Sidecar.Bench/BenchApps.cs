using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Sidecar.Bench;

/// <summary>The apps behind the sidecars under test: an echo service and a subscriber that timestamps arrivals.</summary>
public sealed class BenchApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BenchApp(WebApplication app) => _app = app;

    public int Port => new Uri(_app.Urls.First()).Port;

    /// <summary>Arrival time (Stopwatch ticks) per published sequence number.</summary>
    public ConcurrentDictionary<int, long> Arrivals { get; } = new();

    public static async Task<BenchApp> StartAsync(string topic)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var self = new BenchApp(app);
        app.MapPost("/echo", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            return Results.Bytes(body.ToArray(), "application/octet-stream");
        });
        app.MapGet("/dapr/subscribe", () => Results.Json(new[] { new { pubsubname = "pubsub", topic, route = "/events" } }));
        app.MapPost("/events", async (HttpRequest request) =>
        {
            var arrived = Stopwatch.GetTimestamp();
            using var doc = await JsonDocument.ParseAsync(request.Body);
            self.Arrivals.TryAdd(doc.RootElement.GetProperty("data").GetProperty("seq").GetInt32(), arrived);
            return Results.Ok();
        });
        await app.StartAsync();
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
