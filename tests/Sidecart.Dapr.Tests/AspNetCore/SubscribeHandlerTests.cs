using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Sidecart.Dapr.AspNetCore;
using Sidecart.Dapr.Tests.Support;

namespace Sidecart.Dapr.Tests.AspNetCore;

public sealed class SubscribeHandlerTests
{
    [Fact]
    public async Task Declared_topics_are_listed_in_the_dapr_subscribe_format()
    {
        await using var app = await TestApp.StartAsync(app =>
        {
            app.MapPost("/orders-events", () => TopicResults.Success()).WithTopic("pubsub", "orders", deadLetterTopic: "orders-dlq");
            app.MapPost("/widgets", () => TopicResults.Success()).WithTopic("pubsub", "inventory", match: "event.type == \"widget\"", priority: 2);
            app.MapPost("/gadgets", () => TopicResults.Success()).WithTopic("pubsub", "inventory", match: "event.type == \"gadget\"", priority: 1);
            app.MapPost("/inventory", () => TopicResults.Success()).WithTopic("pubsub", "inventory");
            app.MapGroup("/raw").MapPost("/payments", () => TopicResults.Success())
                .WithTopic("pubsub", "payments", metadata: new Dictionary<string, string> { ["rawPayload"] = "true" });
            app.MapPost("/not-a-subscriber", () => TopicResults.Success());
            app.MapSubscribeHandler();
        });

        using var response = await app.GetTestClient().GetAsync("/dapr/subscribe", TestContext.Current.CancellationToken);

        response.EnsureSuccessStatusCode();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var subscriptions = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsArray();
        Assert.Equal(3, subscriptions.Count);
        AssertSubscription(subscriptions, "orders", """{"pubsubname":"pubsub","topic":"orders","route":"/orders-events","deadLetterTopic":"orders-dlq"}""");
        AssertSubscription(subscriptions, "inventory", """
            {"pubsubname":"pubsub","topic":"inventory","routes":{"rules":[
                {"match":"event.type == \"gadget\"","path":"/gadgets"},
                {"match":"event.type == \"widget\"","path":"/widgets"}],"default":"/inventory"}}
            """);
        AssertSubscription(subscriptions, "payments", """{"pubsubname":"pubsub","topic":"payments","route":"/raw/payments","metadata":{"rawPayload":"true"}}""");
    }

    [Fact]
    public async Task No_declared_topics_give_an_empty_list()
    {
        await using var app = await TestApp.StartAsync(app => app.MapSubscribeHandler());

        var body = await app.GetTestClient().GetStringAsync("/dapr/subscribe", TestContext.Current.CancellationToken);

        Assert.Equal("[]", body);
    }

    private static void AssertSubscription(JsonArray subscriptions, string topic, string expectedJson)
    {
        var actual = Assert.Single(subscriptions, s => s!["topic"]!.GetValue<string>() == topic);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expectedJson), actual), $"expected {expectedJson}, got {actual!.ToJsonString()}");
    }
}
