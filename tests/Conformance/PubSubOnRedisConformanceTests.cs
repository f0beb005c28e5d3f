using System.Text.Json.Nodes;
using Conformance.Harness;
using Microsoft.AspNetCore.Http;
using StackExchange.Redis;

namespace Conformance;

/// <summary>The pub/sub delivery tests on <c>pubsub.redis</c>, plus what only Redis does: the stream daprd would read,
/// acknowledgement of a delivery that failed after the policy (components-contrib 1.17 and later), durability.</summary>
public sealed class RedisPubSubDeliveryConformanceTests : PubSubDeliveryConformanceTests
{
    protected override bool OnRedis => true;

    [Fact]
    public async Task An_http_publish_is_a_stream_entry_holding_the_cloudevent_and_the_publish_metadata()
    {
        await using var scenario = await StartScenarioAsync("[]", appId: "publisher", expectedSubscriptions: 0);
        await scenario.PublishAsync("orders", """{"orderId":"o-1"}""", query: "?metadata.ttlInSeconds=120");

        await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisHost);
        var entry = Assert.Single(await redis.GetDatabase().StreamRangeAsync("orders"));
        var cloudEvent = JsonNode.Parse(entry["data"].ToString())!;
        Assert.Equal("o-1", cloudEvent["data"]!["orderId"]!.GetValue<string>());
        Assert.Equal("publisher", cloudEvent["source"]!.GetValue<string>());
        Assert.Equal("orders", cloudEvent["topic"]!.GetValue<string>());
        Assert.NotNull(cloudEvent["expiration"]);
        Assert.Equal("120", JsonNode.Parse(entry["metadata"].ToString())!["ttlInSeconds"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_dead_letter_topic_a_delivery_failing_after_the_policy_is_acknowledged_as_daprd_does()
    {
        var calls = 0;
        await using var scenario = await StartScenarioAsync("""[{"pubsubname":"pubsub","topic":"orders","route":"/orders"}]""",
            _ => Task.FromResult(Interlocked.Increment(ref calls) <= 4 ? Results.StatusCode(500) : Results.Ok()), appId: "failing");
        await scenario.PublishAsync("orders", """{"n":1}""");
        await scenario.PublishAsync("orders", """{"n":2}""");

        await scenario.WaitForEventAsync("/orders", e => e["data"]!["n"]!.GetValue<int>() == 2);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisHost);
        await PubSubScenario.EventuallyAsync(() => redis.GetDatabase().StreamPending("orders", "failing").PendingMessageCount == 0, "nothing pending");
        Assert.Equal(4, scenario.Events("/orders").Count(e => e["data"]!["n"]!.GetValue<int>() == 1));
    }

    [Fact]
    public async Task Events_published_while_the_subscriber_and_its_sidecar_are_down_are_delivered_when_they_come_back()
    {
        const string subscription = """[{"pubsubname":"pubsub","topic":"orders","route":"/orders"}]""";
        await using var publisher = await StartSidecarAsync("publisher");
        await (await StartScenarioAsync(subscription, appId: "shipping")).DisposeAsync();

        await PubSubScenario.PublishAsync(publisher, "orders", """{"n":1}""");
        await PubSubScenario.PublishAsync(publisher, "orders", """{"n":2}""");
        await using var restarted = await StartScenarioAsync(subscription, appId: "shipping");
        await PubSubScenario.EventuallyAsync(() => restarted.Events("/orders").Count == 2, "both events");
        Assert.Equal([1, 2], restarted.Events("/orders").Select(e => e["data"]!["n"]!.GetValue<int>()));
    }
}

public sealed class RedisPubSubEnvelopeConformanceTests : PubSubEnvelopeConformanceTests
{
    protected override bool OnRedis => true;
}

public sealed class RedisPubSubConsumerGroupConformanceTests : PubSubConsumerGroupConformanceTests
{
    protected override bool OnRedis => true;

    [Fact]
    public async Task Sidecars_of_different_processes_share_one_group_per_app_id_through_redis()
    {
        const string subscription = """[{"pubsubname":"pubsub","topic":"orders","route":"/orders"}]""";
        await using var subscriber = await StartScenarioAsync(subscription, appId: "shipping", environment: SidecarHarness.NewEnvironment());
        await using var publisher = await StartSidecarAsync("elsewhere", environment: SidecarHarness.NewEnvironment());
        await PubSubScenario.PublishAsync(publisher, "orders", """{"from":"elsewhere"}""");
        var (_, e) = await subscriber.WaitForEventAsync("/orders");
        Assert.Equal("elsewhere", e["data"]!["from"]!.GetValue<string>());
        Assert.Equal("elsewhere", e["source"]!.GetValue<string>());
    }
}
