namespace Sidecart.Testing;

/// <summary>A copy of a resources folder whose <c>pubsub</c> component is <c>pubsub.redis</c> on a given server, so a
/// suite written against <c>pubsub.in-memory</c> runs unchanged on Redis. One worker keeps deliveries in publish order,
/// as the in-memory broker's serial delivery does (daprd with <c>concurrency: 1</c> behaves the same).</summary>
public static class RedisPubSubFolder
{
    public static string Create(string resourcesPath, RedisServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var folder = Directory.CreateTempSubdirectory("sidecart-redis-resources-").FullName;
        // Only the definitions (component YAML, the secrets file): the folder also holds the SQLite files of sidecars
        // running beside this one, whose -wal and -shm come and go while it is listed.
        foreach (var file in Directory.GetFiles(resourcesPath).Where(f => Path.GetExtension(f) is ".yaml" or ".yml" or ".json"))
        {
            if (Path.GetFileName(file) != "pubsub.yaml")
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }
        }

        File.WriteAllText(Path.Combine(folder, "pubsub.yaml"), $"""
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
        return folder;
    }
}
