using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sidecart.Dapr.Actors.Tests.Actors;
using Sidecart.Testing;

namespace Sidecart.Dapr.Actors.Tests.Support;

/// <summary>An app hosting the sample actors behind a real in-process local sidecar (in-memory actor state store), and
/// a second sidecar without an app from which tests call the actors, as another app would: caller sidecar → owner
/// sidecar → app, all over loopback HTTP.</summary>
public sealed class ActorSystem : IAsyncLifetime
{
    public const string HostAppId = "actorhost";

    /// <summary>Counter actors go idle after this, so tests can watch deactivation and reactivation.</summary>
    public static readonly TimeSpan CounterIdleTimeout = TimeSpan.FromSeconds(1);

    private readonly LocalSidecars _sidecars = new("sidecart-actor-tests", options => options with
    {
        DaprInternalPort = 0,
        GracefulShutdown = TimeSpan.FromSeconds(2),
    });

    private readonly ReservedPort _appPort = new();
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
        var resources = _sidecars.ResourcesPath;
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

        var hostSidecar = await _sidecars.StartAsync(HostAppId, _appPort.Port, resources);
        _app = BuildHostApp(_appPort, hostSidecar.HttpEndpoint);
        Log = _app.Services.GetRequiredService<ActivationLog>();
        await _app.StartAsync();
        App = new HttpClient { BaseAddress = _appPort.Address };
        HostSidecar = new HttpClient { BaseAddress = hostSidecar.HttpEndpoint };

        var callerSidecar = await _sidecars.StartAsync("caller", null, resources);
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
        await _sidecars.DisposeAsync();

        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await _appPort.DisposeAsync();
    }

    /// <summary>Polls <paramref name="read"/> until <paramref name="done"/> holds, for at most 15 s.</summary>
    public static Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what) =>
        Eventually.UntilAsync(read, done, what, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(25));

    private static WebApplication BuildHostApp(ReservedPort port, Uri sidecar)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(port.ServeWith);
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

    private Task<bool> WaitForActorHostAsync() => EventuallyAsync(
        async () => JsonNode.Parse(await HostSidecar.GetStringAsync("/v1.0/metadata"))?["actorRuntime"]?["hostReady"]?.GetValue<bool>() == true,
        ready => ready,
        "the actor host to be ready");
}
