using System.Globalization;
using System.Text.Json.Nodes;
using Dapr.Actors;
using Dapr.Actors.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Sidecart.Inventory.Actors;
using Sidecart.Testing;

namespace Sidecart.Inventory.Tests;

/// <summary>The inventory app on a real port behind a real local sidecar (in-memory actor state store and pub/sub), plus
/// a caller sidecar without an app from which tests call the Sku actors and publish, as ordering or a warehouse would.</summary>
public sealed class InventorySystem : IAsyncDisposable
{
    private readonly LocalSidecars _sidecars = new("sidecart-inventory-tests", options => options with
    {
        DaprInternalPort = 0,
        GracefulShutdown = TimeSpan.FromSeconds(2),
    });

    private InventorySystem()
    {
    }

    public HttpClient App { get; private set; } = null!;

    /// <summary>The caller's sidecar, raw (publishing, invoking the app).</summary>
    public HttpClient Caller { get; private set; } = null!;

    /// <summary>Actor proxies through the caller's sidecar, set up as another app (ordering) sets them up: typed, with
    /// JSON bodies and the SDK's default JSON options (camelCase, case-insensitive), not the inventory's.</summary>
    public ActorProxyOptions ProxyOptions { get; private set; } = null!;

    public static async Task<InventorySystem> StartAsync(TimeSpan reservationTimeout)
    {
        var system = new InventorySystem();
        var resources = system._sidecars.ResourcesPath;
        await system._sidecars.WriteInMemoryComponentsAsync();

        var appPort = system._sidecars.Track(new ReservedPort());
        var inventorySidecar = await system._sidecars.StartAsync("inventory", appPort.Port, resources);
        var factory = new InventoryFactory(inventorySidecar, reservationTimeout);
        system._sidecars.Track(factory);
        // Kestrel options rather than UseKestrel(port), whose address rewrite races the app's own start.
        factory.UseKestrel(appPort.ServeWith);
        factory.StartServer();
        system.App = new HttpClient { BaseAddress = appPort.Address };

        var caller = await system._sidecars.StartAsync("caller", null, resources);
        system.Caller = new HttpClient { BaseAddress = caller.HttpEndpoint };
        // The SDK appends /v1.0/... to the endpoint, so it must not end with a slash.
        system.ProxyOptions = new ActorProxyOptions { HttpEndpoint = caller.HttpEndpoint.GetLeftPart(UriPartial.Authority), UseJsonSerialization = true };
        await system.WaitForSubscriptionsAsync(inventorySidecar.HttpEndpoint);
        return system;
    }

    public ISkuActor Sku(string sku) => ActorProxy.Create<ISkuActor>(new ActorId(sku), "Sku", ProxyOptions);

    public static string NewSku() => $"TEST-{Guid.NewGuid():N}";

    public static Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what) =>
        Eventually.UntilAsync(read, done, what, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50));

    public async ValueTask DisposeAsync()
    {
        App.Dispose();
        Caller.Dispose();
        await _sidecars.DisposeAsync();
    }

    // Publishing before the sidecar has read /dapr/subscribe would lose the event; actors are ready once it has read /dapr/config.
    private async Task WaitForSubscriptionsAsync(Uri inventorySidecar)
    {
        using var client = new HttpClient { BaseAddress = inventorySidecar };
        await EventuallyAsync(async () => JsonNode.Parse(await client.GetStringAsync("/v1.0/metadata"))!, metadata =>
                metadata["actorRuntime"]?["hostReady"]?.GetValue<bool>() == true
                && metadata["subscriptions"]?.AsArray().Count(s => s?["topic"]?.GetValue<string>() is "stock-received" or "stock-received-dlq") == 2,
            "the inventory's subscriptions and actor host");
    }

    private sealed class InventoryFactory(LocalSidecar.Hosting.Sidecar sidecar, TimeSpan reservationTimeout) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("DAPR_HTTP_PORT", sidecar.HttpPort.ToString(CultureInfo.InvariantCulture));
            builder.UseSetting("DAPR_GRPC_PORT", sidecar.GrpcPort.ToString(CultureInfo.InvariantCulture));
            builder.UseSetting("Inventory:ReservationTimeout", reservationTimeout.ToString("c", CultureInfo.InvariantCulture));
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.UseContentRoot(AppContext.BaseDirectory);
        }
    }
}
