using Conformance.Harness;
using Microsoft.AspNetCore.Http;

namespace Conformance;

/// <summary>What only <c>pubsub.in-memory</c> does, so its Redis variants (<see cref="RedisPubSubDeliveryConformanceTests"/>,
/// <see cref="RedisPubSubConsumerGroupConformanceTests"/>) do not inherit it: one broker per environment, and a delivery
/// that failed after the resiliency policy left to the component to deliver again.</summary>
public sealed class InMemoryPubSubConformanceTests : PubSubConformanceTests
{
    [Fact]
    public async Task Without_dead_letter_topic_the_component_redelivers_after_the_policy_is_exhausted()
    {
        var calls = 0;
        await using var scenario = await StartScenarioAsync("""[{"pubsubname":"pubsub","topic":"orders","route":"/orders"}]""",
            _ => Task.FromResult(Interlocked.Increment(ref calls) <= PubSubDeliveryConformanceTests.AttemptsWithFastRetryPolicy ? Results.StatusCode(500) : Results.Ok()));
        await scenario.PublishAsync("orders", """{"n":1}""");
        await PubSubScenario.EventuallyAsync(() => scenario.Events("/orders").Count > PubSubDeliveryConformanceTests.AttemptsWithFastRetryPolicy, "a redelivery by the component");
    }

    [Fact]
    public async Task Sidecars_of_different_environments_do_not_share_messages()
    {
        await using var subscriber = await StartScenarioAsync(PubSubConsumerGroupConformanceTests.Subscription, appId: "isolated");
        await using var publisher = await StartSidecarAsync("elsewhere");
        await PubSubScenario.PublishAsync(publisher, "orders", """{"from":"elsewhere"}""");
        await subscriber.PublishAsync("orders", """{"from":"here"}""");
        await subscriber.WaitForEventAsync("/orders");
        Assert.Equal("here", Assert.Single(subscriber.Events("/orders"))["data"]!["from"]!.GetValue<string>());
    }
}
