using System.Text.RegularExpressions;
using LocalSidecar.Components.PubSub;
using LocalSidecar.Hosting;
using LocalSidecar.Messaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace LocalSidecar.Api;

/// <summary><c>POST|PUT /v1.0/publish/{pubsub}/{topic}</c> (dapr-api-facts.md §3.1–3.3): wraps the body in a
/// CloudEvent (unless <c>metadata.rawPayload=true</c>) and hands it with the metadata to the pub/sub component.</summary>
public static partial class PublishApi
{
    private const string Prefix = "/v1.0/publish";

    private const string ResourceType = "pubsub";

    public static IEndpointRouteBuilder MapPublishApi(this IEndpointRouteBuilder routes)
    {
        string[] methods = [HttpMethods.Post, HttpMethods.Put];
        routes.MapMethods(Prefix, methods, PublishAsync);
        routes.MapMethods(Prefix + "/{**path}", methods, PublishAsync);
        return routes;
    }

    private static async Task<IResult> PublishAsync(HttpRequest request, SidecarContext context)
    {
        var (pubsubName, topic) = ParseTarget(request.HttpContext);
        if (!context.Components.OfType<IPubSub>().Any())
        {
            return DaprError.Rich(400, "ERR_PUBSUB_NOT_CONFIGURED", "pubsub is not configured", "DAPR_PUBSUB_NOT_CONFIGURED", ResourceType, pubsubName);
        }

        if (pubsubName.Length == 0)
        {
            return DaprError.Rich(404, "ERR_PUBSUB_EMPTY", "pubsub name is empty", "DAPR_PUBSUB_NAME_EMPTY", ResourceType, pubsubName);
        }

        if (!context.Components.TryGet<IPubSub>(pubsubName, out var pubsub))
        {
            return DaprError.Rich(404, "ERR_PUBSUB_NOT_FOUND", $"pubsub {pubsubName} not found", "DAPR_PUBSUB_NOT_FOUND", ResourceType, pubsubName);
        }

        if (topic.Length == 0)
        {
            return DaprError.Rich(404, "ERR_TOPIC_NAME_EMPTY", $"topic is empty in pubsub {pubsubName}", "DAPR_PUBSUB_TOPIC_NAME_EMPTY", ResourceType, pubsubName);
        }

        var metadata = DaprError.QueryMetadata(request);
        if (!PubSubMetadata.TryReadRawPayload(metadata, out var rawPayload))
        {
            var message = $"failed deserializing metadata. Error: rawPayload value must be a valid boolean: actual is '{metadata[PubSubMetadata.RawPayload]}'";
            return DaprError.Rich(400, "ERR_PUBSUB_REQUEST_METADATA", message, "DAPR_PUBSUB_METADATA_DESERIALIZATION", ResourceType, pubsubName, "metadata.rawPayload");
        }

        var body = await ReadBodyAsync(request);
        byte[] payload;
        if (rawPayload)
        {
            payload = body;
        }
        else
        {
            try
            {
                payload = CloudEventEnvelope.Build(new PublishRequest(
                    pubsubName,
                    topic,
                    body,
                    request.Headers.ContentType.Count > 0 ? request.Headers.ContentType.ToString() : null,
                    metadata,
                    context.AppId,
                    TraceContext.ChildOf(request.Headers["traceparent"].ToString(), request.Headers["tracestate"].ToString()),
                    DateTimeOffset.UtcNow));
            }
            catch (CloudEventException e)
            {
                return DaprError.Rich(500, "ERR_PUBSUB_CLOUD_EVENTS_SER", $"cannot create cloudevent: {e.Message}", "DAPR_PUBSUB_CLOUD_EVENT_CREATION", ResourceType, pubsubName);
            }
        }

        try
        {
            await pubsub.PublishAsync(topic, payload, metadata, request.HttpContext.RequestAborted);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return DaprError.Rich(500, "ERR_PUBSUB_PUBLISH_MESSAGE", $"error when publishing to topic {topic} in pubsub {pubsubName}: {e.Message}",
                "DAPR_PUBSUB_PUBLISH_MESSAGE", ResourceType, pubsubName);
        }

        return Results.NoContent();
    }

    /// <summary>Splits the raw path after <c>/v1.0/publish/</c> at its first slash and unescapes each part as
    /// daprd does (double slashes collapsed; query unescaping: <c>%2F</c> is a slash, <c>+</c> a space), so topics
    /// may contain slashes.</summary>
    private static (string PubsubName, string Topic) ParseTarget(HttpContext http)
    {
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Request.Path.Value ?? "";
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var path = RepeatedSlashes().Replace(query >= 0 ? raw[..query] : raw, "/");
        var rest = path.Length > Prefix.Length ? path[(Prefix.Length + 1)..] : "";
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var pubsub = slash >= 0 ? rest[..slash] : rest;
        var topic = slash >= 0 ? rest[(slash + 1)..].TrimEnd('/') : "";
        return (Unescape(pubsub), Unescape(topic));
    }

    [GeneratedRegex("/{2,}")]
    private static partial Regex RepeatedSlashes();

    private static string Unescape(string part) => Uri.UnescapeDataString(part.Replace('+', ' '));

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        return buffer.ToArray();
    }
}
