using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using LocalSidecar.Hosting;
using LocalSidecar.NameResolution;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sidecart.Dapr;
using Sidecart.Dapr.Actors;
using Sidecart.Inventory.Actors;

namespace Sidecart.Inventory.Tests;

/// <summary>The inventory app on a real port behind a real local sidecar (in-memory actor state store and pub/sub), plus
/// a caller sidecar without an app from which tests call the Sku actors and publish, as ordering or a warehouse would.</summary>
public sealed class InventorySystem : IAsyncDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sidecart-inventory-tests", Guid.NewGuid().ToString("N"));
    private readonly List<IAsyncDisposable> _owned = [];

    private InventorySystem()
    {
    }

    public HttpClient App { get; private set; } = null!;

    /// <summary>The caller's sidecar, raw (publishing, invoking the app).</summary>
    public HttpClient Caller { get; private set; } = null!;

    public DaprClient CallerDapr { get; private set; } = null!;

    public IActorProxyFactory Proxies { get; private set; } = null!;

    public static async Task<InventorySystem> StartAsync(TimeSpan reservationTimeout)
    {
        var system = new InventorySystem();
        var resources = Path.Combine(system._root, "resources");
        Directory.CreateDirectory(resources);
        await File.WriteAllTextAsync(Path.Combine(resources, "components.yaml"), """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata: {name: statestore}
            spec:
              type: state.in-memory
              version: v1
              metadata:
              - {name: actorStateStore, value: "true"}
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata: {name: pubsub}
            spec: {type: pubsub.in-memory, version: v1, metadata: []}
            """);
        var environment = new SidecarEnvironment(new FileNameResolver(Path.Combine(system._root, "names")));

        var appPort = FreePort();
        var inventorySidecar = await system.StartSidecarAsync("inventory", appPort, resources, environment);
        var factory = new InventoryFactory(inventorySidecar.HttpPort, reservationTimeout);
        system._owned.Add(factory);
        factory.UseKestrel(appPort);
        factory.StartServer();
        system.App = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{appPort}") };

        var caller = await system.StartSidecarAsync("caller", null, resources, environment);
        system.Caller = new HttpClient { BaseAddress = caller.HttpEndpoint };
        system.CallerDapr = new DaprClient(new HttpClient(), Options.Create(new DaprClientOptions { HttpEndpoint = caller.HttpEndpoint }));
        system.Proxies = new ActorProxyFactory(system.CallerDapr, InventoryJsonContext.Default);
        await system.WaitForSubscriptionsAsync(inventorySidecar.HttpEndpoint);
        return system;
    }

    public ISkuActor Sku(string sku) => Proxies.CreateProxy<ISkuActor>(sku, "Sku");

    public static string NewSku() => $"TEST-{Guid.NewGuid():N}";

    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}; last value: {value}");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        App.Dispose();
        Caller.Dispose();
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }

    private async Task<LocalSidecar.Hosting.Sidecar> StartSidecarAsync(string appId, int? appPort, string resources, SidecarEnvironment environment)
    {
        var sidecar = await LocalSidecar.Hosting.Sidecar.StartAsync(new SidecarOptions
        {
            AppId = appId,
            AppPort = appPort,
            DaprHttpPort = 0,
            DaprInternalPort = 0,
            ResourcesPaths = [resources],
            WorkingDirectory = _root,
            Environment = environment,
            LoggerFactory = NullLoggerFactory.Instance,
            GracefulShutdown = TimeSpan.FromSeconds(2),
        });
        _owned.Add(sidecar);
        return sidecar;
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class InventoryFactory(int daprHttpPort, TimeSpan reservationTimeout) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("DAPR_HTTP_PORT", daprHttpPort.ToString(CultureInfo.InvariantCulture));
            builder.UseSetting("Inventory:ReservationTimeout", reservationTimeout.ToString("c", CultureInfo.InvariantCulture));
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.UseContentRoot(AppContext.BaseDirectory);
        }
    }
}
