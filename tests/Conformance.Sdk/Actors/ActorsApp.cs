using Conformance.Sdk.Actors.TestActors;
using Conformance.Sdk.Harness;
using Dapr.Actors;
using Dapr.Actors.Client;
using Dapr.Actors.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Conformance.Sdk.Actors;

/// <summary>One app hosting every test actor type with <c>Dapr.Actors.AspNetCore</c>, set up as a Dapr user sets it
/// up, behind its sidecar. Tests call the actors with <c>Dapr.Actors</c> proxies pointed at the same sidecar.</summary>
public sealed class ActorsApp : IAsyncLifetime
{
    public const string AppId = "sdk-actors";

    /// <summary><see cref="StateActor"/> goes idle after this, so its deactivation can be watched.</summary>
    public static readonly TimeSpan StateActorIdleTimeout = TimeSpan.FromSeconds(1);

    private AppUnderTest? _app;

    public ActorProbe Probe { get; } = new();

    public SidecarUnderTest Sidecar => _app?.Sidecar ?? throw new InvalidOperationException("not started");

    /// <summary>Proxy options a caller of these actors uses: the sidecar's HTTP endpoint.</summary>
    public ActorProxyOptions ProxyOptions => new() { HttpEndpoint = Endpoint(Sidecar.HttpEndpoint) };

    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public TActor Proxy<TActor>(string actorId, string actorType)
        where TActor : IActor =>
        ActorProxy.Create<TActor>(new ActorId(actorId), actorType, ProxyOptions);

    public async ValueTask InitializeAsync()
    {
        _app = await AppUnderTest.StartAsync(AppId, (builder, sidecar) =>
        {
            builder.Services.AddSingleton(Probe);
            builder.Services.AddSingleton(new SidecarEndpoint(sidecar));
            builder.Services.AddActors(options =>
            {
                options.HttpEndpoint = Endpoint(sidecar);
                options.Actors.RegisterActor<StateActor>(new ActorRuntimeOptions { ActorIdleTimeout = StateActorIdleTimeout });
                options.Actors.RegisterActor<CounterActor>();
                options.Actors.RegisterActor<TimerActor>();
                options.Actors.RegisterActor<ReminderActor>();
                options.Actors.RegisterActor<FailingActor>();
                options.Actors.RegisterActor<TurnActor>();
            });
        }, app => app.MapActorsHandlers());
        await _app.Sidecar.WaitForActorRuntimeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>The SDK appends <c>/v1.0/...</c> to its endpoint, so it must not end with a slash.</summary>
    private static string Endpoint(Uri sidecar) => sidecar.GetLeftPart(UriPartial.Authority);
}

[CollectionDefinition(Name)]
public sealed class ActorsCollection : ICollectionFixture<ActorsApp>
{
    public const string Name = "Actors through the Dapr .NET SDK";
}
