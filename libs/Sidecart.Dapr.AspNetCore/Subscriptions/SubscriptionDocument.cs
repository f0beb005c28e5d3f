using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sidecart.Dapr.AspNetCore.Serialization;

namespace Sidecart.Dapr.AspNetCore;

/// <summary>Builds the <c>GET /dapr/subscribe</c> answer (https://docs.dapr.io/reference/api/pubsub_api/) from the endpoints' topic metadata.</summary>
internal static class SubscriptionDocument
{
    public static List<DaprSubscriptionWire> Build(IEnumerable<Endpoint> endpoints)
    {
        var declared = endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => e.Metadata.GetOrderedMetadata<TopicSubscriptionMetadata>().Select(topic => (Topic: topic, Path: PathOf(e))))
            .DistinctBy(d => (d.Topic, d.Path));

        return declared
            .GroupBy(d => (d.Topic.PubsubName, d.Topic.Topic))
            .Select(group => ToSubscription(group.Key.PubsubName, group.Key.Topic, group.ToList()))
            .ToList();
    }

    private static DaprSubscriptionWire ToSubscription(string pubsubName, string topic, List<(TopicSubscriptionMetadata Topic, string Path)> routes)
    {
        var defaults = routes.Where(r => string.IsNullOrEmpty(r.Topic.Match)).Select(r => r.Path).Distinct().ToList();
        if (defaults.Count > 1)
        {
            throw new InvalidOperationException(
                $"Topic '{topic}' of '{pubsubName}' has several endpoints without a match ({string.Join(", ", defaults)}); give all but one a routing rule.");
        }

        var deadLetterTopics = routes.Select(r => r.Topic.DeadLetterTopic).Where(t => !string.IsNullOrEmpty(t)).Distinct().ToList();
        if (deadLetterTopics.Count > 1)
        {
            throw new InvalidOperationException($"Topic '{topic}' of '{pubsubName}' declares different dead-letter topics: {string.Join(", ", deadLetterTopics)}.");
        }

        var metadata = routes
            .SelectMany(r => r.Topic.Metadata ?? new Dictionary<string, string>())
            .GroupBy(m => m.Key)
            .ToDictionary(g => g.Key, g => g.First().Value);

        var rules = routes
            .Where(r => !string.IsNullOrEmpty(r.Topic.Match))
            .OrderBy(r => r.Topic.Priority)
            .Select(r => new DaprSubscriptionRuleWire(r.Topic.Match!, r.Path))
            .ToList();

        var defaultRoute = defaults.SingleOrDefault();
        return new DaprSubscriptionWire(
            pubsubName,
            topic,
            Route: rules.Count == 0 ? defaultRoute : null,
            Routes: rules.Count == 0 ? null : new DaprSubscriptionRoutesWire(rules, defaultRoute),
            DeadLetterTopic: deadLetterTopics.SingleOrDefault(),
            Metadata: metadata.Count == 0 ? null : metadata);
    }

    private static string PathOf(RouteEndpoint endpoint) => "/" + (endpoint.RoutePattern.RawText ?? string.Empty).TrimStart('/');
}
