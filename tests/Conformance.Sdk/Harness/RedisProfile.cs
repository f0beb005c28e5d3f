using LocalSidecar.Hosting;
using Sidecart.Testing;

[assembly: AssemblyFixture(typeof(Conformance.Sdk.Harness.RedisProfile))]

namespace Conformance.Sdk.Harness;

/// <summary>The <c>statestore</c> as <c>state.redis</c> (the actor state store too) on a private redis-server, for the
/// tests that run on SQLite and on Redis. Without redis-server those runs skip (fail under <c>CI=true</c>); against an
/// external sidecar they skip too, its store being whatever it was started with.</summary>
public sealed class RedisProfile : IAsyncLifetime
{
    public const string Sqlite = "sqlite";
    public const string Redis = "redis";

    private RedisServer? _server;
    private string? _resources;

    public static TheoryData<string> Profiles => new(Sqlite, Redis);

    public RedisServer Server
    {
        get
        {
            Require();
            return _server!;
        }
    }

    public void Require()
    {
        ConformanceTarget.RequireInProcess("the Redis profile starts its own redis-server");
        RedisServer.Require();
    }

    /// <summary>The resources folder holding only the Redis <c>statestore</c>.</summary>
    public string ResourcesPath
    {
        get
        {
            Require();
            return _resources!;
        }
    }

    /// <summary>The sidecar options for <paramref name="profile"/>: unchanged for SQLite, the Redis store alone for Redis.</summary>
    public Func<SidecarOptions, SidecarOptions>? Configure(string profile)
    {
        if (profile != Redis)
        {
            return null;
        }

        Require();
        return options => options with { ResourcesPaths = [_resources!] };
    }

    public async ValueTask InitializeAsync()
    {
        if (RedisServer.Unavailable() is not null || ConformanceTarget.IsExternal)
        {
            return;
        }

        _server = await RedisServer.StartAsync();
        _resources = Directory.CreateTempSubdirectory("sidecart-redis-profile-").FullName;
        await File.WriteAllTextAsync(Path.Combine(_resources, "statestore.yaml"), _server.ActorStateStoreComponent());
    }

    public async ValueTask DisposeAsync()
    {
        if (_resources is not null)
        {
            Directory.Delete(_resources, recursive: true);
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
