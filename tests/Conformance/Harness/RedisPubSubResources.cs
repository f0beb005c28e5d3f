using Sidecart.Testing;

namespace Conformance.Harness;

/// <summary><c>resources/</c> with the <c>pubsub</c> component on a private redis-server: a copy of the folder whose
/// <c>pubsub.yaml</c> is <c>pubsub.redis</c>. The test fails under <c>CI=true</c> when redis-server is missing and skips
/// elsewhere.</summary>
public sealed class RedisPubSubResources : IAsyncDisposable
{
    private readonly RedisServer _server;

    private RedisPubSubResources(RedisServer server, string path)
    {
        _server = server;
        Path = path;
    }

    public string Path { get; }

    public string RedisHost => _server.Host;

    public static async Task<RedisPubSubResources> StartAsync()
    {
        RedisServer.Require();

        var server = await RedisServer.StartAsync();
        var folder = RedisPubSubFolder.Create(SidecarHarness.ResourcesPath, server);
        return new RedisPubSubResources(server, folder);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(Path, recursive: true);
    }
}
