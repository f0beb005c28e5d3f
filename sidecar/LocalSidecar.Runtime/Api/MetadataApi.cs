using System.Text.Json.Nodes;
using LocalSidecar.Actors;
using LocalSidecar.Hosting;
using LocalSidecar.Messaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LocalSidecar.Api;

/// <summary><c>GET /v1.0/metadata</c> (app id, components, subscriptions, app connection) and
/// <c>PUT /v1.0/metadata/{key}</c> (an attribute shown under <c>extended</c>).</summary>
public static class MetadataApi
{
    public const string RuntimeVersion = "1.16.0-local";

    public static IEndpointRouteBuilder MapMetadataApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1.0/metadata", (SidecarContext context, SubscriptionManager messaging, ActorRuntime actors) => Results.Json(Describe(context, messaging, actors)));
        routes.MapPut("/v1.0/metadata/{key}", async (string key, HttpRequest request, SidecarContext context) =>
        {
            using var reader = new StreamReader(request.Body);
            context.ExtendedMetadata[key] = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
            return Results.NoContent();
        });
        return routes;
    }

    private static JsonObject Describe(SidecarContext context, SubscriptionManager messaging, ActorRuntime actors)
    {
        var components = new JsonArray();
        foreach (var (spec, instance) in context.Components.All)
        {
            var component = new JsonObject { ["name"] = spec.Name, ["type"] = spec.Type, ["version"] = spec.Version };
            if (instance.Capabilities.Count > 0)
            {
                component["capabilities"] = new JsonArray(instance.Capabilities.Select(c => (JsonNode)c!).ToArray());
            }

            components.Add(component);
        }

        var subscriptions = new JsonArray();
        foreach (var s in messaging.Subscriptions)
        {
            subscriptions.Add(new JsonObject
            {
                ["pubsubname"] = s.PubsubName,
                ["topic"] = s.Topic,
                ["metadata"] = new JsonObject(s.Metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
                ["rules"] = new JsonArray(s.Rules.Select(r => (JsonNode)new JsonObject { ["match"] = r.Match, ["path"] = r.Path }).ToArray()),
                ["deadLetterTopic"] = s.DeadLetterTopic ?? "",
                ["type"] = s.Kind.ToString().ToUpperInvariant(),
            });
        }

        var extended = new JsonObject { ["daprRuntimeVersion"] = RuntimeVersion };
        foreach (var (key, value) in context.ExtendedMetadata)
        {
            extended[key] = value;
        }

        var result = new JsonObject
        {
            ["id"] = context.AppId,
            ["runtimeVersion"] = RuntimeVersion,
            ["components"] = components,
            ["subscriptions"] = subscriptions,
            ["extended"] = extended,
        };
        if (context.Options.AppPort is { } port)
        {
            var connection = new JsonObject
            {
                ["port"] = port,
                ["protocol"] = context.Options.AppProtocol,
                ["channelAddress"] = context.Options.AppChannelAddress,
            };
            if (context.Options.EnableAppHealthCheck)
            {
                connection["health"] = new JsonObject
                {
                    ["healthCheckPath"] = context.Options.AppHealthCheckPath,
                    ["healthProbeInterval"] = $"{context.Options.AppHealthProbeInterval.TotalSeconds}s",
                    ["healthProbeTimeout"] = $"{context.Options.AppHealthProbeTimeout.TotalMilliseconds}ms",
                    ["healthThreshold"] = context.Options.AppHealthThreshold,
                };
            }

            result["appConnectionProperties"] = connection;
        }

        DescribeActors(result, actors);

        return result;
    }

    /// <summary><c>actors</c> (hosted and active types with their active counts) and <c>actorRuntime</c>.</summary>
    private static void DescribeActors(JsonObject result, ActorRuntime actors)
    {
        var counts = actors.ActiveCounts;
        var types = actors.Config.Entities.Union(counts.Keys, StringComparer.Ordinal).ToList();
        JsonArray Counts() => new(types.Select(t => (JsonNode)new JsonObject { ["type"] = t, ["count"] = counts.GetValueOrDefault(t) }).ToArray());
        if (types.Count > 0)
        {
            result["actors"] = Counts();
        }

        var runtime = new JsonObject
        {
            ["runtimeStatus"] = actors.RuntimeStatus,
            ["activeActors"] = Counts(),
            ["hostReady"] = actors.HostReady,
            ["placement"] = actors.RuntimeStatus == "RUNNING" ? "placement: connected" : "placement: disconnected",
        };
        result["actorRuntime"] = runtime;
    }
}
