using Conformance.Harness;
using Microsoft.AspNetCore.Http;

namespace Conformance;

/// <summary>https://docs.dapr.io/developing-applications/building-blocks/pubsub/pubsub-overview/: one consumer group per app id. Sidecars sharing an environment share the
/// <c>pubsub.in-memory</c> broker, as the sidecars of one runner process do.</summary>
public class PubSubConsumerGroupConformanceTests : PubSubConformanceTests
{
    internal const string Subscription = """[{"pubsubname":"pubsub","topic":"orders","route":"/orders"}]""";

    [Fact]
    public async Task Replicas_of_one_app_id_compete_and_each_other_app_id_gets_every_message()
    {
        SidecarHarness.RequireInProcess();
        var environment = SidecarHarness.NewEnvironment();
        async Task<IResult> SlowHandler(HttpContext _)
        {
            await Task.Delay(5);
            return Results.Ok();
        }

        await using var replicaA = await StartScenarioAsync(Subscription, SlowHandler, appId: "orders", environment: environment);
        await using var replicaB = await StartScenarioAsync(Subscription, SlowHandler, appId: "orders", environment: environment);
        await using var audit = await StartScenarioAsync(Subscription, appId: "audit", environment: environment);

        const int count = 50;
        for (var n = 0; n < count; n++)
        {
            await audit.PublishAsync("orders", $$"""{"n":{{n}}}""");
        }

        await PubSubScenario.EventuallyAsync(() => audit.Events("/orders").Count == count, "the audit app to get every message");
        await PubSubScenario.EventuallyAsync(() => replicaA.Events("/orders").Count + replicaB.Events("/orders").Count == count, "the orders replicas to share every message");
        var shared = replicaA.Events("/orders").Concat(replicaB.Events("/orders")).Select(e => e["data"]!["n"]!.GetValue<int>()).Order();
        Assert.Equal(Enumerable.Range(0, count), shared);
        if (!OnRedis)
        {
            // On Redis one XREADGROUP may take the whole batch for one replica: sharing is not promised there.
            Assert.NotEmpty(replicaA.Events("/orders"));
            Assert.NotEmpty(replicaB.Events("/orders"));
        }

        Assert.Equal(Enumerable.Range(0, count), audit.Events("/orders").Select(e => e["data"]!["n"]!.GetValue<int>()));
    }

    [Fact]
    public async Task A_group_whose_only_member_left_keeps_its_messages_for_the_next_member()
    {
        SidecarHarness.RequireInProcess();
        var environment = SidecarHarness.NewEnvironment();
        await using var publisher = await StartSidecarAsync("publisher", environment: environment);
        await (await StartScenarioAsync(Subscription, appId: "restarting", environment: environment)).DisposeAsync();

        await PubSubScenario.PublishAsync(publisher, "orders", """{"n":1}""");
        await using var restarted = await StartScenarioAsync(Subscription, appId: "restarting", environment: environment);
        await restarted.WaitForEventAsync("/orders", e => e["data"]!["n"]!.GetValue<int>() == 1);
    }
}
