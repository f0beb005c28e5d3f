using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Sidecart.Catalog.Tests;

/// <summary>Another app, with its own sidecar, subscribed to <c>product-updated</c>: it hands the first CloudEvent it
/// receives to the test.</summary>
public sealed class Listener : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Listener(WebApplication app) => _app = app;

    public static async Task<Listener> StartAsync(CatalogSystem system, TaskCompletionSource<JsonObject> received)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapGet("/dapr/subscribe", () => Results.Json(new[] { new { pubsubname = "pubsub", topic = "product-updated", route = "/updated" } }));
        app.MapPost("/updated", async (HttpRequest request) =>
        {
            received.TrySetResult((await JsonNode.ParseAsync(request.Body))!.AsObject());
            return Results.Ok();
        });
        await app.StartAsync();
        var port = new Uri(app.Urls.Single()).Port;
        var sidecar = await system.StartSidecarAsync("listener", port);

        // The sidecar subscribes once it has asked the app for /dapr/subscribe; wait for that before the test publishes.
        using var client = new HttpClient { BaseAddress = sidecar.HttpEndpoint };
        await CatalogSystem.EventuallyAsync(() => client.GetStringAsync("/v1.0/metadata"),
            metadata => metadata.Contains("product-updated", StringComparison.Ordinal), "the listener's subscription");
        return new Listener(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
