using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalSidecar.Components;
using LocalSidecar.Invocation;
using Microsoft.Extensions.Logging;

namespace LocalSidecar.Messaging;

/// <summary>Reads the app's programmatic subscriptions from <c>GET /dapr/subscribe</c> (https://docs.dapr.io/reference/api/pubsub_api/):
/// 3 tries from 500 ms apart when the app cannot be reached; 404 means none; any other failure is logged and
/// means none.</summary>
public static class ProgrammaticSubscriptions
{
    private const int Tries = 3;

    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(500);

    public static async Task<IReadOnlyList<SubscriptionSpec>> FetchAsync(AppChannel channel, string appId, ILogger logger, CancellationToken cancellationToken)
    {
        var backoff = FirstBackoff;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/dapr/subscribe")
                {
                    Content = new ByteArrayContent([]) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
                };
                request.Headers.TryAddWithoutValidation("dapr-app-id", appId);
                using var response = await channel.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    return [];
                }

                if (response.StatusCode != HttpStatusCode.OK)
                {
                    logger.LogError("GET /dapr/subscribe answered {Status}: the app has no programmatic subscriptions", (int)response.StatusCode);
                    return [];
                }

                return Parse(await response.Content.ReadAsStringAsync(cancellationToken), logger);
            }
            catch (HttpRequestException e) when (attempt < Tries)
            {
                logger.LogWarning("GET /dapr/subscribe failed (try {Attempt} of {Tries}): {Error}", attempt, Tries, e.Message);
                await Task.Delay(backoff, cancellationToken);
                backoff *= 2;
            }
            catch (HttpRequestException e)
            {
                logger.LogError("GET /dapr/subscribe failed after {Tries} tries: {Error}; the app has no programmatic subscriptions", Tries, e.Message);
                return [];
            }
        }
    }

    /// <summary>Parses the answer; elements without pubsub name, topic or any route are discarded with a warning.</summary>
    public static IReadOnlyList<SubscriptionSpec> Parse(string json, ILogger logger)
    {
        JsonArray elements;
        try
        {
            // Go's JSON decoding matches field names case-insensitively, so daprd reads the "pubsubName" that
            // Dapr.AspNetCore's MapSubscribeHandler writes as "pubsubname".
            elements = JsonNode.Parse(json, new JsonNodeOptions { PropertyNameCaseInsensitive = true }) as JsonArray
                ?? throw new JsonException("the body is not a JSON array");
        }
        catch (JsonException e)
        {
            logger.LogError("GET /dapr/subscribe returned an unreadable body: {Error}; the app has no programmatic subscriptions", e.Message);
            return [];
        }

        var result = new List<SubscriptionSpec>();
        foreach (var element in elements)
        {
            if (element is not JsonObject item || Text(item["pubsubname"]) is not { Length: > 0 } pubsub || Text(item["topic"]) is not { Length: > 0 } topic)
            {
                logger.LogWarning("Ignoring a subscription without pubsubname or topic: {Subscription}", element?.ToJsonString());
                continue;
            }

            var rules = Rules(item);
            if (rules.Count == 0)
            {
                logger.LogWarning("Ignoring the subscription to topic {Topic} on {Pubsub}: it has no route", topic, pubsub);
                continue;
            }

            result.Add(new SubscriptionSpec(
                PubsubName: pubsub,
                Topic: topic,
                Rules: rules,
                DeadLetterTopic: Text(item["deadLetterTopic"]) is { Length: > 0 } dlq ? dlq : null,
                Metadata: StringMap(item["metadata"]),
                Scopes: [],
                Kind: SubscriptionKind.Programmatic));
        }

        return result;
    }

    /// <summary>v2 <c>routes.rules</c> then <c>routes.default</c>; v1 <c>route</c> serves as the default when
    /// <c>routes.default</c> is absent.</summary>
    private static List<RoutingRule> Rules(JsonObject item)
    {
        var rules = new List<RoutingRule>();
        var routes = item["routes"] as JsonObject;
        if (routes?["rules"] is JsonArray ruleArray)
        {
            foreach (var rule in ruleArray.OfType<JsonObject>())
            {
                if (Text(rule["path"]) is { Length: > 0 } path)
                {
                    rules.Add(new RoutingRule(Text(rule["match"]) ?? "", path));
                }
            }
        }

        var fallback = Text(routes?["default"]) is { Length: > 0 } d ? d : Text(item["route"]);
        if (fallback is { Length: > 0 })
        {
            rules.Add(new RoutingRule("", fallback));
        }

        return rules;
    }

    private static Dictionary<string, string> StringMap(JsonNode? node)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is JsonObject map)
        {
            foreach (var (key, value) in map)
            {
                result[key] = Text(value) ?? value?.ToJsonString() ?? "";
            }
        }

        return result;
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
