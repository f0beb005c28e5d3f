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
        if (RedisServer.Unavailable() is { } reason)
        {
            if (Environment.GetEnvironmentVariable("CI") == "true")
            {
                Assert.Fail(reason);
            }

            Assert.Skip(reason);
        }

        var server = await RedisServer.StartAsync();
        var folder = Directory.CreateTempSubdirectory("sidecart-redis-resources-").FullName;
        foreach (var file in Directory.GetFiles(SidecarHarness.ResourcesPath))
        {
            if (System.IO.Path.GetFileName(file) != "pubsub.yaml")
            {
                File.Copy(file, System.IO.Path.Combine(folder, System.IO.Path.GetFileName(file)));
            }
        }

        // One worker keeps deliveries in publish order, as the in-memory broker's serial delivery does: the tests that
        // check order hold on Redis too (daprd with concurrency 1 behaves the same).
        File.WriteAllText(System.IO.Path.Combine(folder, "pubsub.yaml"), $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: pubsub
            spec:
              type: pubsub.redis
              version: v1
              metadata:
              - name: redisHost
                value: "{server.Host}"
              - name: concurrency
                value: "1"
              - name: processingTimeout
                value: "10000"
              - name: redeliverInterval
                value: "1000"
            """);
        return new RedisPubSubResources(server, folder);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(Path, recursive: true);
    }
}
