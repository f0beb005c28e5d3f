using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using LocalSidecar.Hosting;
using LocalSidecar.NameResolution;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Sidecart.Dapr.Actors.Tests.Actors;

namespace Sidecart.Dapr.Actors.Tests.Support;

/// <summary>An app hosting the sample actors behind a real in-process local sidecar (in-memory actor state store), and
/// a second sidecar without an app from which tests call the actors, as another app would: caller sidecar → owner
/// sidecar → app, all over loopback HTTP.</summary>
public sealed class ActorSystem : IAsyncLifetime
{
    public const string HostAppId = "actorhost";

    /// <summary>Counter actors go idle after this, so tests can watch deactivation and reactivation.</summary>
    public static readonly TimeSpan CounterIdleTimeout = TimeSpan.FromSeconds(1);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "sidecart-actor-tests", Guid.NewGuid().ToString("N"));
    private readonly List<IAsyncDisposable> _owned = [];
    private WebApplication? _app;

    public ActivationLog Log { get; private set; } = null!;

    /// <summary>The host app itself (for <c>/dapr/config</c>).</summary>
    public HttpClient App { get; private set; } = null!;

    /// <summary>The host's own sidecar (actor state is read through it).</summary>
    public HttpClient HostSidecar { get; private set; } = null!;

    /// <summary>The caller's sidecar, raw.</summary>
    public HttpClient CallerSidecar { get; private set; } = null!;

    /// <summary>A <see cref="DaprClient"/> on the caller's sidecar.</summary>
    public DaprClient Caller { get; private set; } = null!;

    public IActorProxyFactory Proxies { get; private set; } = null!;

    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public async ValueTask InitializeAsync()
    {
        var resources = Path.Combine(_root, "resources");
        Directory.CreateDirectory(resources);
        await File.WriteAllTextAsync(Path.Combine(resources, "statestore.yaml"), """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata: {name: statestore}
            spec:
              type: state.in-memory
              version: v1
              metadata:
              - {name: actorStateStore, value: "true"}
            """);
        var environment = new SidecarEnvironment(new FileNameResolver(Path.Combine(_root, "names")));

        var appPort = FreePort();
        var hostSidecar = await StartSidecarAsync(HostAppId, appPort, resources, environment);
        _app = BuildHostApp(appPort, hostSidecar.HttpEndpoint);
        Log = _app.Services.GetRequiredService<ActivationLog>();
        await _app.StartAsync();
        App = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{appPort}") };
        HostSidecar = new HttpClient { BaseAddress = hostSidecar.HttpEndpoint };

        var callerSidecar = await StartSidecarAsync("caller", null, resources, environment);
        CallerSidecar = new HttpClient { BaseAddress = callerSidecar.HttpEndpoint };
        Caller = new DaprClient(new HttpClient(), Options.Create(new DaprClientOptions { HttpEndpoint = callerSidecar.HttpEndpoint }));
        Proxies = new ActorProxyFactory(Caller, TestActorsJsonContext.Default);
        await WaitForActorHostAsync();
    }

    public async ValueTask DisposeAsync()
    {
        App?.Dispose();
        HostSidecar?.Dispose();
        CallerSidecar?.Dispose();
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }

        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }

    /// <summary>Polls <paramref name="read"/> until <paramref name="done"/> holds, for at most 15 s.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
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

            await Task.Delay(25);
        }
    }

    private static WebApplication BuildHostApp(int port, Uri sidecar)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Configuration["DAPR_HTTP_ENDPOINT"] = sidecar.ToString();
        builder.Services.AddSingleton<ActivationLog>();
        builder.Services.AddActors(options =>
        {
            options.JsonTypeInfoResolver = TestActorsJsonContext.Default;
            options.ActorIdleTimeout = TimeSpan.FromMinutes(5);
            options.DrainOngoingCallTimeout = TimeSpan.FromSeconds(10);
            options.RegisterActor<SkuActor>();
            options.RegisterActor<CounterActor>(type => type.ActorIdleTimeout = CounterIdleTimeout);
        });
        var app = builder.Build();
        app.MapActorsHandlers();
        return app;
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

    private Task<bool> WaitForActorHostAsync() => EventuallyAsync(
        async () => JsonNode.Parse(await HostSidecar.GetStringAsync("/v1.0/metadata"))?["actorRuntime"]?["hostReady"]?.GetValue<bool>() == true,
        ready => ready,
        "the actor host to be ready");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
