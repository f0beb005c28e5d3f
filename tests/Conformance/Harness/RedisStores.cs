using Sidecart.Testing;
using StackExchange.Redis;

[assembly: AssemblyFixture(typeof(Conformance.Harness.RedisStores))]

namespace Conformance.Harness;

/// <summary>One private redis-server for the suite and a resources folder of <c>state.redis</c> components on it, one per
/// <c>keyPrefix</c> rule: <c>redisstore</c> (appid), <c>redisshared</c> (name), <c>redisraw</c> (none) and
/// <c>rediscustom</c> (a literal prefix). Without redis-server, tests on these stores skip (fail under <c>CI=true</c>);
/// against an external sidecar they skip too, as it has no such components.</summary>
public sealed class RedisStores : IAsyncLifetime
{
    public const string Store = "redisstore";
    public const string CustomPrefix = "tenant-a";

    private RedisServer? _server;
    private ConnectionMultiplexer? _direct;
    private TempResources? _resources;

    /// <summary>The folder to add to a sidecar's resources paths; null when no server runs.</summary>
    public string? ResourcesPath => _resources?.Path;

    /// <summary>The server as daprd would read it, bypassing the sidecar.</summary>
    public IDatabase Direct
    {
        get
        {
            Require();
            return _direct!.GetDatabase();
        }
    }

    public RedisServer Server
    {
        get
        {
            Require();
            return _server!;
        }
    }

    public static bool IsRedis(string store) => store.StartsWith("redis", StringComparison.Ordinal);

    /// <summary>Skips (or, under CI, fails) a test that needs these stores when they cannot exist.</summary>
    public void Require()
    {
        if (SidecarHarness.ExternalEndpoint is not null)
        {
            Assert.Skip("the Redis stores live in a redis-server this suite starts; DAPR_CONFORMANCE_ENDPOINT is set");
        }

        RedisServer.Require();
    }

    public async ValueTask InitializeAsync()
    {
        if (RedisServer.Unavailable() is not null || SidecarHarness.ExternalEndpoint is not null)
        {
            return;
        }

        _server = await RedisServer.StartAsync();
        _direct = await ConnectionMultiplexer.ConnectAsync(_server.Host);
        _resources = new TempResources();
        foreach (var (name, keyPrefix) in new[] { (Store, ""), ("redisshared", "name"), ("redisraw", "none"), ("rediscustom", CustomPrefix) })
        {
            _resources.Write($"{name}.yaml", $"""
                apiVersion: dapr.io/v1alpha1
                kind: Component
                metadata:
                  name: {name}
                spec:
                  type: state.redis
                  version: v1
                  metadata:
                  - name: redisHost
                    value: {_server.Host}
                  - name: redisPassword
                    value: ""
                {(keyPrefix.Length == 0 ? "" : $"  - name: keyPrefix\n    value: {keyPrefix}\n")}
                """);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _resources?.Dispose();
        if (_direct is not null)
        {
            await _direct.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
