using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Sidecar.Bench;

/// <summary>A subscriber to ordering's <c>orders</c> topic that timestamps the moment each order's <c>Confirmed</c> and
/// <c>Shipped</c> events arrive, and remembers orders that ended otherwise, so a benchmark never waits on an order that
/// failed.</summary>
public sealed class OrderEventsApp : IAsyncDisposable
{
    public const string AppId = "bench-orders";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<(string OrderId, string Status), TaskCompletionSource<long>> _arrivals = new();

    private OrderEventsApp(WebApplication app) => _app = app;

    public int Port => new Uri(_app.Urls.First()).Port;

    public static async Task<OrderEventsApp> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var self = new OrderEventsApp(app);
        app.MapGet("/healthz", () => Results.Ok());
        app.MapGet("/dapr/subscribe", () => Results.Json(new[] { new { pubsubname = "pubsub", topic = "orders", route = "/orders" } }));
        app.MapPost("/orders", async (HttpRequest request) =>
        {
            var arrived = Stopwatch.GetTimestamp();
            using var doc = await JsonDocument.ParseAsync(request.Body);
            var data = doc.RootElement.GetProperty("data");
            self.Record(data.GetProperty("orderId").GetString()!, data.GetProperty("status").GetString()!,
                data.TryGetProperty("reason", out var reason) ? reason.ToString() : null, arrived);
            return Results.Ok();
        });
        await app.StartAsync();
        return self;
    }

    /// <summary>The Stopwatch timestamp at which the order's <c>Confirmed</c> event arrived; throws if the order was
    /// rejected or cancelled instead.</summary>
    public Task<long> ConfirmedAsync(string orderId) => Entry(orderId, "Confirmed").Task;

    /// <summary>The Stopwatch timestamp at which the order's <c>Shipped</c> event arrived, the end of its work in the
    /// system; throws if the order was rejected or cancelled instead.</summary>
    public Task<long> ShippedAsync(string orderId) => Entry(orderId, "Shipped").Task;

    private void Record(string orderId, string status, string? reason, long arrived)
    {
        switch (status)
        {
            case "Confirmed" or "Shipped":
                Entry(orderId, status).TrySetResult(arrived);
                break;
            case "Rejected" or "Cancelled":
                var failed = new InvalidOperationException($"order {orderId} was {status}: {reason}");
                Entry(orderId, "Confirmed").TrySetException(failed);
                Entry(orderId, "Shipped").TrySetException(failed);
                break;
        }
    }

    private TaskCompletionSource<long> Entry(string orderId, string status) =>
        _arrivals.GetOrAdd((orderId, status), _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
