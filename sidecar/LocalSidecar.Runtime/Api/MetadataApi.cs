using System.Text.Json.Nodes;
using LocalSidecar.Api.Universal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LocalSidecar.Api;

/// <summary><c>GET /v1.0/metadata</c> (app id, components, subscriptions, app connection) and
/// <c>PUT /v1.0/metadata/{key}</c> (an attribute shown under <c>extended</c>).</summary>
public static class MetadataApi
{
    public static IEndpointRouteBuilder MapMetadataApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1.0/metadata", (MetadataOperations metadata) => JsonResults.Node(ToJson(metadata.Describe())));
        routes.MapPut("/v1.0/metadata/{key}", async (string key, HttpRequest request, MetadataOperations metadata) =>
        {
            using var reader = new StreamReader(request.Body);
            metadata.Set(key, await reader.ReadToEndAsync(request.HttpContext.RequestAborted));
            return Results.NoContent();
        });
        return routes;
    }

    private static JsonObject ToJson(SidecarMetadata metadata)
    {
        var components = new JsonArray();
        foreach (var c in metadata.Components)
        {
            var component = new JsonObject { ["name"] = c.Name, ["type"] = c.Type, ["version"] = c.Version };
            if (c.Capabilities.Count > 0)
            {
                component["capabilities"] = new JsonArray(c.Capabilities.Select(capability => (JsonNode)capability!).ToArray());
            }

            components.Add((JsonNode)component);
        }

        var subscriptions = new JsonArray();
        foreach (var s in metadata.Subscriptions)
        {
            subscriptions.Add((JsonNode)new JsonObject
            {
                ["pubsubname"] = s.PubsubName,
                ["topic"] = s.Topic,
                ["metadata"] = Map(s.Metadata),
                ["rules"] = new JsonArray(s.Rules.Select(r => (JsonNode)new JsonObject { ["match"] = r.Match, ["path"] = r.Path }).ToArray()),
                ["deadLetterTopic"] = s.DeadLetterTopic ?? "",
                ["type"] = s.Kind.ToString().ToUpperInvariant(),
            });
        }

        var result = new JsonObject
        {
            ["id"] = metadata.AppId,
            ["runtimeVersion"] = metadata.RuntimeVersion,
            ["components"] = components,
            ["subscriptions"] = subscriptions,
            ["extended"] = Map(metadata.Extended),
        };
        var app = metadata.App;
        if (app.AppPort is { } port)
        {
            var connection = new JsonObject
            {
                ["port"] = port,
                ["protocol"] = app.AppProtocol,
                ["channelAddress"] = app.AppChannelAddress,
            };
            if (app.EnableAppHealthCheck)
            {
                connection["health"] = new JsonObject
                {
                    ["healthCheckPath"] = app.AppHealthCheckPath,
                    ["healthProbeInterval"] = $"{app.AppHealthProbeInterval.TotalSeconds}s",
                    ["healthProbeTimeout"] = $"{app.AppHealthProbeTimeout.TotalMilliseconds}ms",
                    ["healthThreshold"] = app.AppHealthThreshold,
                };
            }

            result["appConnectionProperties"] = connection;
        }

        JsonArray Counts() => new(metadata.ActiveActors.Select(a => (JsonNode)new JsonObject { ["type"] = a.Type, ["count"] = a.Count }).ToArray());
        if (metadata.HasHostedActorTypes)
        {
            result["actors"] = Counts();
        }

        if (metadata.ConnectedWorkflowWorkers > 0)
        {
            result["workflows"] = new JsonObject { ["connectedWorkers"] = metadata.ConnectedWorkflowWorkers };
        }

        result["actorRuntime"] = new JsonObject
        {
            ["runtimeStatus"] = metadata.ActorRuntimeStatus,
            ["activeActors"] = Counts(),
            ["hostReady"] = metadata.ActorHostReady,
            ["placement"] = metadata.ActorRuntimeStatus == "RUNNING" ? "placement: connected" : "placement: disconnected",
        };
        return result;
    }

    private static JsonObject Map(IReadOnlyDictionary<string, string> values) =>
        new(values.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
}
