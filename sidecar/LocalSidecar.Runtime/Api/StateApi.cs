using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalSidecar.Api.Universal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace LocalSidecar.Api;

/// <summary>The state API over HTTP (https://docs.dapr.io/reference/api/state_api/): reads the JSON bodies, the
/// <c>metadata.*</c> query and the ETag headers, and writes the answers; <see cref="StateOperations"/> does the rest.</summary>
public static class StateApi
{
    private static readonly string[] WriteMethods = ["POST", "PUT"];

    public static IEndpointRouteBuilder MapStateApi(this IEndpointRouteBuilder routes)
    {
        var state = routes.MapGroup("/v1.0/state/{store}").AddEndpointFilter<DaprApiExceptionFilter>();
        state.MapMethods("", WriteMethods, SaveAsync);
        state.MapGet("/{key}", GetAsync);
        state.MapDelete("/{key}", DeleteAsync);
        state.MapMethods("/bulk", WriteMethods, BulkGetAsync);
        state.MapMethods("/transaction", WriteMethods, TransactAsync);
        return routes;
    }

    private static async Task<IResult> SaveAsync(string store, HttpRequest request, StateOperations state)
    {
        state.Find(store, appIdInErrors: true);
        var items = await StateRequestBodies.ReadSaveAsync(request.Body, request.HttpContext.RequestAborted);
        var query = DaprError.QueryMetadata(request);
        await state.SaveAsync(store, items.Select(item => item with { Metadata = Merge(item.Metadata, query) }).ToList(), appIdInErrors: true, request.HttpContext.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<IResult> GetAsync(string store, string key, HttpRequest request, StateOperations state)
    {
        var metadata = DaprError.QueryMetadata(request);
        var item = await state.GetAsync(store, KeyFromRawPath(request, key), metadata, appIdInErrors: true, request.HttpContext.RequestAborted);
        if (item is null)
        {
            return Results.NoContent();
        }

        var headers = request.HttpContext.Response.Headers;
        if (item.ETag is { } etag)
        {
            headers.ETag = etag;
        }

        foreach (var (name, value) in item.Metadata)
        {
            headers[$"metadata.{name}"] = value;
        }

        var contentType = metadata.TryGetValue("contentType", out var requested) && requested.Length > 0 ? requested : "application/json";
        return Results.Bytes(item.Value, contentType);
    }

    private static async Task<IResult> DeleteAsync(string store, string key, HttpRequest request, StateOperations state)
    {
        var etag = request.Headers.IfMatch.ToString();
        var item = new StateItemRequest(KeyFromRawPath(request, key), [], etag.Length == 0 ? null : etag, DaprError.QueryMetadata(request),
            request.Query["concurrency"].ToString(), request.Query["consistency"].ToString());
        await state.DeleteAsync(store, item, appIdInErrors: true, request.HttpContext.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<IResult> BulkGetAsync(string store, HttpRequest request, StateOperations state)
    {
        state.Find(store, appIdInErrors: true);
        var body = await StateRequestBodies.ReadBulkGetAsync(request.Body, request.HttpContext.RequestAborted);
        var metadata = Merge(body.Metadata, DaprError.QueryMetadata(request));
        var results = await state.BulkGetAsync(store, body.Keys, body.Parallelism, metadata, appIdInErrors: true, request.HttpContext.RequestAborted);
        return JsonResults.Node(new JsonArray(results.Select(BulkItem).ToArray()));
    }

    private static JsonNode BulkItem(BulkStateResult result)
    {
        var node = new JsonObject { ["key"] = result.Key };
        if (result.Error is { } error)
        {
            node["error"] = error;
        }

        if (result.Item is not { } item)
        {
            return node;
        }

        node["data"] = Data(item.Value);
        if (item.ETag is { } etag)
        {
            node["etag"] = etag;
        }

        if (item.Metadata.Count > 0)
        {
            node["metadata"] = new JsonObject(item.Metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        }

        return node;
    }

    private static async Task<IResult> TransactAsync(string store, HttpRequest request, StateOperations state)
    {
        state.Find(store, appIdInErrors: true);
        var body = await StateRequestBodies.ReadTransactionAsync(request.Body, request.HttpContext.RequestAborted);
        var query = DaprError.QueryMetadata(request);
        var operations = body.Operations.Select(o => o with { Request = o.Request with { Metadata = Merge(o.Request.Metadata, query) } }).ToList();
        await state.TransactAsync(store, operations, Merge(body.Metadata, query), appIdInErrors: true, request.HttpContext.RequestAborted);
        return Results.NoContent();
    }

    /// <summary>Query metadata overrides the body's.</summary>
    private static Dictionary<string, string> Merge(IReadOnlyDictionary<string, string> body, Dictionary<string, string> query)
    {
        var merged = new Dictionary<string, string>(body, StringComparer.Ordinal);
        foreach (var (name, value) in query)
        {
            merged[name] = value;
        }

        return merged;
    }

    private static JsonNode? Data(byte[] value)
    {
        try
        {
            return JsonNode.Parse(value);
        }
        catch (JsonException)
        {
            return JsonValue.Create(Encoding.UTF8.GetString(value));
        }
    }

    /// <summary>daprd query-unescapes path parameters (<c>%2F</c> → <c>/</c>, <c>+</c> → space); ASP.NET's route value
    /// keeps <c>%2F</c> encoded, so the key is taken from the raw request target instead.</summary>
    private static string KeyFromRawPath(HttpRequest request, string routeKey)
    {
        if (request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget is not { Length: > 0 } target)
        {
            return routeKey;
        }

        var path = target.Split('?', 2)[0].TrimEnd('/');
        var segment = path[(path.LastIndexOf('/') + 1)..];
        return Uri.UnescapeDataString(segment.Replace('+', ' '));
    }
}
