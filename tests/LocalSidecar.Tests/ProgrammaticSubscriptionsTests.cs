using LocalSidecar.Components;
using LocalSidecar.Messaging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LocalSidecar.Tests;

public sealed class ProgrammaticSubscriptionsTests
{
    [Fact]
    public void Parses_v1_and_v2_elements_and_discards_those_without_route()
    {
        var parsed = ProgrammaticSubscriptions.Parse("""
            [
              {"pubsubname":"pubsub","topic":"orders","route":"/orders","deadLetterTopic":"poison","metadata":{"rawPayload":"true"}},
              {"pubsubname":"pubsub","topic":"inventory","route":"/ignored",
               "routes":{"rules":[{"match":"event.type == \"widget\"","path":"/widgets"}],"default":"/inventory"},
               "bulkSubscribe":{"enabled":true}},
              {"pubsubname":"pubsub","topic":"rules-only","route":"/fallback","routes":{"rules":[{"match":"event.type == \"a\"","path":"/a"}]}},
              {"pubsubname":"pubsub","topic":"no-route"},
              {"topic":"no-pubsub","route":"/x"},
              42
            ]
            """, NullLogger.Instance);

        Assert.Equal(["orders", "inventory", "rules-only"], parsed.Select(s => s.Topic).ToArray());
        Assert.All(parsed, s => Assert.Equal(SubscriptionKind.Programmatic, s.Kind));
        Assert.Equal([new RoutingRule("", "/orders")], parsed[0].Rules);
        Assert.Equal("poison", parsed[0].DeadLetterTopic);
        Assert.Equal("true", parsed[0].Metadata["rawPayload"]);
        Assert.Equal([new RoutingRule("event.type == \"widget\"", "/widgets"), new RoutingRule("", "/inventory")], parsed[1].Rules);
        Assert.Null(parsed[1].DeadLetterTopic);
        Assert.Equal([new RoutingRule("event.type == \"a\"", "/a"), new RoutingRule("", "/fallback")], parsed[2].Rules);
    }

    [Fact]
    public void Field_names_match_case_insensitively_as_in_daprd()
    {
        // Dapr.AspNetCore's MapSubscribeHandler writes "pubsubName" and a route without a leading slash.
        var parsed = ProgrammaticSubscriptions.Parse("""[{"topic":"bulk","pubsubName":"pubsub","route":"bulk","DeadLetterTopic":"bulk-dlq"}]""", NullLogger.Instance);

        var subscription = Assert.Single(parsed);
        Assert.Equal(("pubsub", "bulk", "bulk-dlq"), (subscription.PubsubName, subscription.Topic, subscription.DeadLetterTopic));
        Assert.Equal([new RoutingRule("", "bulk")], subscription.Rules);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("not json")]
    public void A_body_that_is_not_an_array_means_no_subscriptions(string body)
    {
        Assert.Empty(ProgrammaticSubscriptions.Parse(body, NullLogger.Instance));
    }
}
