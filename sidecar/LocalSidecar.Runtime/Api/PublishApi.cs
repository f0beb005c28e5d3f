using LocalSidecar.Diagnostics;
using System.Text.RegularExpressions;
using LocalSidecar.Api.Universal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace LocalSidecar.Api;

/// <summary><c>POST|PUT /v1.0/publish/{pubsub}/{topic}</c> (https://docs.dapr.io/reference/api/pubsub_api/): reads the
/// target from the raw path, the body, its Content-Type and the <c>metadata.*</c> query; <see cref="PublishOperations"/>
/// does the rest.</summary>
public static partial class PublishApi
{
    private const string Prefix = "/v1.0/publish";

    public static IEndpointRouteBuilder MapPublishApi(this IEndpointRouteBuilder routes)
    {
        string[] methods = [HttpMethods.Post, HttpMethods.Put];
        routes.MapMethods(Prefix, methods, PublishAsync).AddEndpointFilter<DaprApiExceptionFilter>();
        routes.MapMethods(Prefix + "/{**path}", methods, PublishAsync).AddEndpointFilter<DaprApiExceptionFilter>();
        return routes;
    }

    private static async Task<IResult> PublishAsync(HttpRequest request, PublishOperations publish, Hosting.SidecarContext context)
    {
        var (pubsubName, topic) = ParseTarget(request.HttpContext);
        var trace = context.Telemetry.Tracing.ForCloudEvent(request.Headers["traceparent"].ToString(), request.Headers["tracestate"].ToString());
        var contentType = request.Headers.ContentType.Count > 0 ? request.Headers.ContentType.ToString() : null;
        await publish.PublishAsync(new PublishInput(pubsubName, topic, await ReadBodyAsync(request), contentType, DaprError.QueryMetadata(request), trace),
            request.HttpContext.RequestAborted);
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
