using LocalSidecar.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Sidecart.Testing;

namespace Sidecart.Catalog.Tests;

/// <summary>The catalog app on a real port behind a real local sidecar (in-memory state and pub/sub), plus a
/// client sidecar for callers, all in one test process but talking over loopback HTTP as in production.</summary>
public sealed class CatalogSystem : IAsyncDisposable
{
    private readonly LocalSidecars _sidecars = new("sidecart-catalog-tests");

    private CatalogSystem()
    {
    }

    public SidecarEnvironment Environment => _sidecars.Environment;

    public string ResourcesPath => _sidecars.ResourcesPath;

    public HttpClient App { get; private set; } = null!;

    /// <summary>The catalog's own sidecar: state written here lands under the catalog's key prefix.</summary>
    public HttpClient CatalogSidecar { get; private set; } = null!;

    /// <summary>A sidecar with no app, from which tests call the catalog, read state and publish, as another app would.</summary>
    public HttpClient Client { get; private set; } = null!;

    public static async Task<CatalogSystem> StartAsync()
    {
        var system = new CatalogSystem();
        Directory.CreateDirectory(system.ResourcesPath);
        File.WriteAllText(Path.Combine(system.ResourcesPath, "components.yaml"), """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata: {name: statestore}
            spec: {type: state.in-memory, version: v1, metadata: []}
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata: {name: pubsub}
            spec: {type: pubsub.in-memory, version: v1, metadata: []}
            """);

        var appPort = system._sidecars.Track(new ReservedPort());
        var catalogSidecar = await system.StartSidecarAsync("catalog", appPort.Port);
        system.CatalogSidecar = new HttpClient { BaseAddress = catalogSidecar.HttpEndpoint };
        var factory = new CatalogFactory(catalogSidecar);
        system._sidecars.Track(factory);
        // Kestrel options rather than UseKestrel(port): the factory's port form rewrites the server addresses after
        // building the host, racing the app's own start ("Addresses cannot be modified after the server has started").
        factory.UseKestrel(appPort.ServeWith);
        factory.StartServer();
        system.App = new HttpClient { BaseAddress = appPort.Address };

        var client = await system.StartSidecarAsync("caller", null);
        system.Client = new HttpClient { BaseAddress = client.HttpEndpoint };
        await system.WaitForSeedAsync();
        await system.WaitForSubscriptionsAsync();
        return system;
    }

    public Task<LocalSidecar.Hosting.Sidecar> StartSidecarAsync(string appId, int? appPort) => _sidecars.StartAsync(appId, appPort);

    public static Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what) =>
        Eventually.UntilAsync(read, done, what, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(25));

    public async ValueTask DisposeAsync()
    {
        App.Dispose();
        Client.Dispose();
        CatalogSidecar.Dispose();
        await _sidecars.DisposeAsync();
    }

    /// <summary>Seeding adds the file's products one by one, in file order: the last one listed means all are in.</summary>
    private Task<string> WaitForSeedAsync() =>
        EventuallyAsync(() => App.GetStringAsync("/products"), body => body.Contains("POLES-CARBON", StringComparison.Ordinal), "the seeded catalog");

    // Events published before the sidecar has read /dapr/subscribe would reach no subscriber.
    private Task<string> WaitForSubscriptionsAsync() =>
        EventuallyAsync(() => CatalogSidecar.GetStringAsync("/v1.0/metadata"),
            metadata => metadata.Contains("\"product-updated\"", StringComparison.Ordinal) && metadata.Contains("\"product-updated-dlq\"", StringComparison.Ordinal),
            "the catalog's subscriptions");

    // The ports the runner gives an app: DaprClient reads them (from configuration, before the environment).
    private sealed class CatalogFactory(LocalSidecar.Hosting.Sidecar sidecar) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("DAPR_HTTP_PORT", sidecar.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("DAPR_GRPC_PORT", sidecar.GrpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.UseContentRoot(AppContext.BaseDirectory);
        }
    }
}
