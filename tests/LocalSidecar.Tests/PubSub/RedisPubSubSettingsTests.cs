using LocalSidecar.Components;
using LocalSidecar.Components.PubSub;
using LocalSidecar.Hosting;
using LocalSidecar.NameResolution;
using Microsoft.Extensions.Logging.Abstractions;
using Sidecart.Testing;

namespace LocalSidecar.Tests.PubSub;

/// <summary>How <c>pubsub.redis</c> reads its metadata (daprd's defaults and units) and refuses what it cannot honour,
/// at start and naming the field. None of these needs a server.</summary>
public sealed class RedisPubSubSettingsTests
{
    [Fact]
    public void Defaults_are_daprds()
    {
        var settings = Read(("redisHost", "localhost:6379"));
        Assert.Equal("localhost:6379", settings.Client.Address);
        Assert.Equal("app", settings.ConsumerId);
        Assert.Equal(TimeSpan.FromSeconds(60), settings.ProcessingTimeout);
        Assert.Equal(TimeSpan.FromSeconds(15), settings.RedeliverInterval);
        Assert.Equal(100, settings.QueueDepth);
        Assert.Equal(10, settings.Concurrency);
        Assert.Equal(0, settings.MaxLenApprox);
        Assert.Equal(0, settings.Client.Database);
        Assert.False(settings.Client.EnableTls);
        Assert.True(settings.RedeliveryEnabled);
    }

    [Fact]
    public void Integers_are_milliseconds_and_processingTimeout_also_takes_a_duration()
    {
        var settings = Read(("redisHost", "redis"), ("redisPort", "6380"), ("processingTimeout", "2m"), ("redeliverInterval", "2500"),
            ("queueDepth", "5"), ("concurrency", "2"), ("maxLenApprox", "1000"), ("consumerID", "billing"), ("redisDB", "2"), ("enableTLS", "true"));
        Assert.Equal("redis:6380", settings.Client.Address);
        Assert.Equal(TimeSpan.FromMinutes(2), settings.ProcessingTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), settings.RedeliverInterval);
        Assert.Equal(5, settings.QueueDepth);
        Assert.Equal(2, settings.Concurrency);
        Assert.Equal(1000, settings.MaxLenApprox);
        Assert.Equal("billing", settings.ConsumerId);
        Assert.Equal(2, settings.Client.Database);
        Assert.True(settings.Client.EnableTls);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), Read(("redisHost", "redis"), ("processingTimeout", "1500")).ProcessingTimeout);
    }

    [Fact]
    public void A_zero_processingTimeout_or_redeliverInterval_turns_redelivery_off()
    {
        Assert.False(Read(("redisHost", "redis"), ("processingTimeout", "0")).RedeliveryEnabled);
        Assert.False(Read(("redisHost", "redis"), ("redeliverInterval", "0")).RedeliveryEnabled);
    }

    [Fact]
    public void The_password_is_not_in_the_settings_text()
    {
        var settings = Read(("redisHost", "redis:6379"), ("redisPassword", "hunter2"));
        Assert.DoesNotContain("hunter2", settings.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("redisHost", "", "redisHost", "is required")]
    [InlineData("redeliverInterval", "30s", "redeliverInterval", "integer number of milliseconds")]
    [InlineData("processingTimeout", "soon", "processingTimeout", "neither milliseconds nor a duration")]
    [InlineData("queueDepth", "0", "queueDepth", "at least 1")]
    [InlineData("concurrency", "many", "concurrency", "not an integer")]
    [InlineData("maxLenApprox", "-1", "maxLenApprox", "non-negative")]
    [InlineData("redisDB", "-2", "redisDB", "not a database index")]
    [InlineData("redisType", "cluster", "redisType", "one Redis node")]
    [InlineData("failover", "true", "failover", "not supported by the local sidecar")]
    [InlineData("useEntraID", "true", "useEntraID", "not supported by the local sidecar")]
    [InlineData("redisPort", "6380", "redisPort", "already contains port 6379")]
    public void Bad_metadata_is_refused_naming_the_field(string name, string value, string field, string problem)
    {
        var metadata = new Dictionary<string, string> { ["redisHost"] = "redis:6379", [name] = value };
        var error = Assert.Throws<ResourceException>(() => RedisPubSubSettings.Read(Context(metadata)));
        Assert.Equal($"spec.metadata.{field}", error.Field);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("pubsub.yaml", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_does_not_answer_is_a_start_error_that_says_where_and_how_to_start_one()
    {
        using var folder = new TempFolder();
        var file = folder.Write("pubsub.yaml", $$"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata: {name: pubsub}
            spec:
              type: pubsub.redis
              version: v1
              metadata:
              - {name: redisHost, value: "127.0.0.1:{{FreePort.Next()}}"}
              - {name: dialTimeout, value: "1s"}
            """);
        var resources = ResourceLoader.LoadPaths([folder.Path]);
        var error = await Assert.ThrowsAsync<ResourceException>(() => ComponentRegistry.LoadAsync(resources.Components, "app", folder.Path,
            new SidecarEnvironment(new FileNameResolver(Path.Combine(folder.Path, "names"))), NullLogger.Instance, default));
        Assert.StartsWith(file, error.Message, StringComparison.Ordinal);
        Assert.Contains("error connecting to redis at 127.0.0.1:", error.Message, StringComparison.Ordinal);
        Assert.Contains("redis-server", error.Message, StringComparison.Ordinal);
    }

    private static RedisPubSubSettings Read(params (string Name, string Value)[] metadata) =>
        RedisPubSubSettings.Read(Context(metadata.ToDictionary(m => m.Name, m => m.Value)));

    private static ComponentContext Context(Dictionary<string, string> metadata) =>
        new(new ComponentSpec("pubsub", "pubsub.redis", "v1", [], [], null, false, "pubsub.yaml"), metadata, "app", Path.GetTempPath(),
            new SidecarEnvironment(new FileNameResolver(Path.Combine(Path.GetTempPath(), "sidecart-unit", Guid.NewGuid().ToString("N")))));
}
