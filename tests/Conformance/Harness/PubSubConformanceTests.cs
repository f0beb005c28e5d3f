using LocalSidecar.Hosting;
using Microsoft.AspNetCore.Http;

namespace Conformance.Harness;

/// <summary>A pub/sub test class runs on <c>resources/</c> as written (<c>pubsub.in-memory</c>); its Redis variant
/// (<see cref="OnRedis"/>) runs the same tests with the <c>pubsub</c> component swapped for <c>pubsub.redis</c> on a
/// private redis-server started for each test (<see cref="RedisPubSubResources"/>).</summary>
public abstract class PubSubConformanceTests : IAsyncLifetime
{
    private RedisPubSubResources? _redis;

    protected virtual bool OnRedis => false;

    /// <summary>The resources folders the sidecars of this test load.</summary>
    /// <summary>The private server's address, in the Redis variant.</summary>
    protected string RedisHost => _redis?.RedisHost ?? throw new InvalidOperationException("not the Redis variant");

    protected IReadOnlyList<string> Resources => _redis is { } redis ? [redis.Path] : [SidecarHarness.ResourcesPath];

    public async ValueTask InitializeAsync()
    {
        if (OnRedis)
        {
            SidecarHarness.RequireInProcess();
            _redis = await RedisPubSubResources.StartAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    protected Task<PubSubScenario> StartScenarioAsync(
        string subscriptionsJson,
        Func<HttpContext, Task<IResult>>? respond = null,
        string appId = "subscriber",
        SidecarEnvironment? environment = null,
        IReadOnlyList<string>? extraResources = null,
        Func<SidecarOptions, SidecarOptions>? configure = null,
        int? expectedSubscriptions = null) =>
        PubSubScenario.StartAsync(subscriptionsJson, respond, appId, environment, [.. Resources, .. extraResources ?? []], configure, expectedSubscriptions);

    protected Task<SidecarHarness> StartSidecarAsync(
        string appId,
        TestApp? app = null,
        IReadOnlyList<string>? extraResources = null,
        SidecarEnvironment? environment = null,
        Func<SidecarOptions, SidecarOptions>? configure = null) =>
        SidecarHarness.StartAsync(appId, app, [.. Resources, .. extraResources ?? []], environment, configure);
}
