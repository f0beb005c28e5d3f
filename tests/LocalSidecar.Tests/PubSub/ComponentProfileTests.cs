using LocalSidecar.Components;
using LocalSidecar.Components.PubSub;
using LocalSidecar.Hosting;
using LocalSidecar.NameResolution;
using Microsoft.Extensions.Logging.Abstractions;
using Sidecart.Testing;

namespace LocalSidecar.Tests.PubSub;

/// <summary>The repository's profiles as the local sidecar reads them: components/redis/pubsub.yaml is a pubsub.redis it
/// accepts with the values written there, and components/kafka-mongodb (for real daprd) is refused at start, naming
/// what the local sidecar supports and the profiles to use instead.</summary>
public sealed class ComponentProfileTests
{
    private static string Profile(string name) => Path.Combine(SidecartSystem.RepositoryRoot, "components", name);

    [Fact]
    public void The_redis_profile_pubsub_is_read_with_the_values_it_writes()
    {
        var spec = Assert.Single(ResourceLoader.LoadPaths([Profile("redis")]).Components, c => c.Name == "pubsub");
        Assert.Equal("pubsub.redis", spec.Type);
        var metadata = spec.Metadata.ToDictionary(m => m.Name, m => m.Value ?? "");
        var settings = RedisPubSubSettings.Read(new ComponentContext(spec, metadata, "ordering", Profile("redis"),
            new SidecarEnvironment(new FileNameResolver(Path.Combine(Path.GetTempPath(), "sidecart-unit", Guid.NewGuid().ToString("N"))))));
        Assert.Equal("localhost:6379", settings.Client.Address);
        Assert.Equal("ordering", settings.ConsumerId);
        Assert.Equal(TimeSpan.FromSeconds(60), settings.ProcessingTimeout);
        Assert.Equal(TimeSpan.FromSeconds(15), settings.RedeliverInterval);
    }

    [Fact]
    public async Task The_kafka_mongodb_profile_is_refused_at_start_naming_the_supported_types_and_the_profiles()
    {
        var resources = ResourceLoader.LoadPaths([Profile("kafka-mongodb")]);
        Assert.Contains(resources.Components, c => c.Type == "pubsub.kafka");
        Assert.Contains(resources.Components, c => c.Type == "state.mongodb");

        var error = await Assert.ThrowsAsync<ResourceException>(() => ComponentRegistry.LoadAsync(resources.Components, "ordering", Profile("kafka-mongodb"),
            new SidecarEnvironment(new FileNameResolver(Path.Combine(Path.GetTempPath(), "sidecart-unit", Guid.NewGuid().ToString("N")))),
            NullLogger.Instance, default));
        Assert.Matches("unsupported type '(pubsub.kafka|state.mongodb)'", error.Message);
        Assert.Contains("the local sidecar supports: pubsub.in-memory, pubsub.redis", error.Message, StringComparison.Ordinal);
        Assert.Contains("components/local or components/redis", error.Message, StringComparison.Ordinal);
    }
}
