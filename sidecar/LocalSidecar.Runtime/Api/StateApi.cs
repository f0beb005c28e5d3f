using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalSidecar.Components.State;
using LocalSidecar.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace LocalSidecar.Api;

/// <summary>The state API (dapr-api-facts.md §2): save, get, bulk get, delete and transactions on the loaded state
/// stores. Keys are prefixed here (<see cref="StateKeys"/>), so stores only ever see stored keys.</summary>
public static class StateApi
{
    private const int DefaultBulkParallelism = 10;
    private static readonly string[] WriteMethods = ["POST", "PUT"];

    public static IEndpointRouteBuilder MapStateApi(this IEndpointRouteBuilder routes)
    {
        routes.MapMethods("/v1.0/state/{store}", WriteMethods, SaveAsync);
        routes.MapGet("/v1.0/state/{store}/{key}", GetAsync);
        routes.MapDelete("/v1.0/state/{store}/{key}", DeleteAsync);
        routes.MapMethods("/v1.0/state/{store}/bulk", WriteMethods, BulkGetAsync);
        routes.MapMethods("/v1.0/state/{store}/transaction", WriteMethods, TransactAsync);
        return routes;
    }

    private static async Task<IResult> SaveAsync(string store, HttpRequest request, SidecarContext context)
    {
        if (Find(context, store, out var stateStore) is { } notFound)
        {
            return notFound;
        }

        var aborted = request.HttpContext.RequestAborted;
        List<StateItemRequest> items;
        try
        {
            items = await StateRequestBodies.ReadSaveAsync(request.Body, aborted);
        }
        catch (MalformedStateRequestException e)
        {
            return Malformed(e);
        }

        var query = DaprError.QueryMetadata(request);
        var upserts = new List<StateUpsert>(items.Count);
        foreach (var item in items)
        {
            if (!TryStoreKey(stateStore, store, item.Key, out var key, out var illegal))
            {
                return illegal;
            }

            if (!TryReadOptions(item.Concurrency, item.Consistency, out var concurrency, out var problem))
            {
                return DaprError.Create(500, "ERR_STATE_SAVE", $"failed saving state in state store {store}: {problem}");
            }

            upserts.Add(new StateUpsert(key, item.Value, item.ETag, Merge(item.Metadata, query), concurrency));
        }

        foreach (var upsert in upserts)
        {
            try
            {
                await stateStore.SetAsync(upsert, aborted);
            }
            catch (Exception e) when (!aborted.IsCancellationRequested)
            {
                return StoreFailure("ERR_STATE_SAVE", $"failed saving state in state store {store}", e);
            }
        }

        return Results.NoContent();
    }

    private static async Task<IResult> GetAsync(string store, string key, HttpRequest request, SidecarContext context)
    {
        if (Find(context, store, out var stateStore) is { } notFound)
        {
            return notFound;
        }

        key = KeyFromRawPath(request, key);
        if (!TryStoreKey(stateStore, store, key, out var storeKey, out var illegal))
        {
            return illegal;
        }

        var aborted = request.HttpContext.RequestAborted;
        var metadata = DaprError.QueryMetadata(request);
        StateItem? item;
        try
        {
            item = await stateStore.GetAsync(storeKey, metadata, aborted);
        }
        catch (Exception e) when (!aborted.IsCancellationRequested)
        {
            return DaprError.Create(500, "ERR_STATE_GET", $"fail to get {key} from state store {store}: {e.Message}");
        }

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

    private static async Task<IResult> DeleteAsync(string store, string key, HttpRequest request, SidecarContext context)
    {
        if (Find(context, store, out var stateStore) is { } notFound)
        {
            return notFound;
        }

        key = KeyFromRawPath(request, key);
        if (!TryStoreKey(stateStore, store, key, out var storeKey, out var illegal))
        {
            return illegal;
        }

        if (!TryReadOptions(request.Query["concurrency"].ToString(), request.Query["consistency"].ToString(), out var concurrency, out var problem))
        {
            return DaprError.Create(500, "ERR_STATE_DELETE", $"failed deleting state with key {key}: {problem}");
        }

        var aborted = request.HttpContext.RequestAborted;
        var etag = request.Headers.IfMatch.ToString();
        try
        {
            await stateStore.DeleteAsync(new StateDelete(storeKey, etag.Length == 0 ? null : etag, DaprError.QueryMetadata(request), concurrency), aborted);
        }
        catch (Exception e) when (!aborted.IsCancellationRequested)
        {
            return StoreFailure("ERR_STATE_DELETE", $"failed deleting state with key {key}", e);
        }

        return Results.NoContent();
    }

    private static async Task<IResult> BulkGetAsync(string store, HttpRequest request, SidecarContext context)
    {
        if (Find(context, store, out var stateStore) is { } notFound)
        {
            return notFound;
        }

        var aborted = request.HttpContext.RequestAborted;
        BulkGetRequest body;
        try
        {
            body = await StateRequestBodies.ReadBulkGetAsync(request.Body, aborted);
        }
        catch (MalformedStateRequestException e)
        {
            return Malformed(e);
        }

        var storeKeys = new List<string>(body.Keys.Count);
        foreach (var key in body.Keys)
        {
            if (!TryStoreKey(stateStore, store, key, out var storeKey, out var illegal))
            {
                return illegal;
            }

            storeKeys.Add(storeKey);
        }

        var metadata = Merge(body.Metadata, DaprError.QueryMetadata(request));
        var results = new JsonNode?[storeKeys.Count];
        var parallelism = new ParallelOptions
        {
            MaxDegreeOfParallelism = body.Parallelism > 0 ? body.Parallelism : DefaultBulkParallelism,
            CancellationToken = aborted,
        };
        await Parallel.ForEachAsync(Enumerable.Range(0, storeKeys.Count), parallelism, async (i, token) =>
            results[i] = await BulkItemAsync(stateStore, storeKeys[i], metadata, token));
        return Results.Json(new JsonArray(results));
    }

    /// <summary>One element of a bulk get answer: a failing key reports its error in the element, not for the whole call.</summary>
    private static async Task<JsonNode> BulkItemAsync(IStateStore stateStore, string storeKey, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var result = new JsonObject { ["key"] = StateKeys.ToAppKey(storeKey) };
        StateItem? item;
        try
        {
            item = await stateStore.GetAsync(storeKey, metadata, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            result["error"] = e.Message;
            return result;
        }

        if (item is null)
        {
            return result;
        }

        result["data"] = Data(item.Value);
        if (item.ETag is { } etag)
        {
            result["etag"] = etag;
        }

        if (item.Metadata.Count > 0)
        {
            result["metadata"] = new JsonObject(item.Metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        }

        return result;
    }

    private static async Task<IResult> TransactAsync(string store, HttpRequest request, SidecarContext context)
    {
        if (Find(context, store, out var stateStore) is { } notFound)
        {
            return notFound;
        }

        if (stateStore is not ITransactionalStateStore transactional)
        {
            return DaprError.Rich(500, "ERR_STATE_STORE_NOT_SUPPORTED", $"state store {store} doesn't support transactions",
                "DAPR_STATE_TRANSACTIONS_NOT_SUPPORTED", "state", store);
        }

        var aborted = request.HttpContext.RequestAborted;
        StateTransactionRequest body;
        try
        {
            body = await StateRequestBodies.ReadTransactionAsync(request.Body, aborted);
        }
        catch (MalformedStateRequestException e)
        {
            return Malformed(e);
        }

        var query = DaprError.QueryMetadata(request);
        var operations = new List<StateWrite>(body.Operations.Count);
        foreach (var (operation, item) in body.Operations)
        {
            if (operation is not ("upsert" or "delete"))
            {
                return DaprError.Create(400, "ERR_NOT_SUPPORTED_STATE_OPERATION", $"operation type {operation} not supported");
            }

            if (!TryStoreKey(stateStore, store, item.Key, out var key, out var illegal))
            {
                return illegal;
            }

            if (!TryReadOptions(item.Concurrency, item.Consistency, out var concurrency, out var problem))
            {
                return DaprError.Create(500, "ERR_STATE_TRANSACTION", $"error while executing state transaction: {problem}");
            }

            var metadata = Merge(item.Metadata, query);
            operations.Add(operation == "upsert"
                ? new StateUpsert(key, item.Value, item.ETag, metadata, concurrency)
                : new StateDelete(key, item.ETag, metadata, concurrency));
        }

        if (operations.Count == 0)
        {
            return Results.NoContent();
        }

        try
        {
            await transactional.TransactAsync(operations, Merge(body.Metadata, query), aborted);
        }
        catch (Exception e) when (!aborted.IsCancellationRequested)
        {
            // Unlike save and delete, a transaction maps every store failure, ETag mismatches included, to 500.
            return DaprError.Create(500, "ERR_STATE_TRANSACTION", $"error while executing state transaction: {e.Message}");
        }

        return Results.NoContent();
    }

    private static IResult? Find(SidecarContext context, string store, out IStateStore stateStore)
    {
        if (context.Components.TryGet(store, out stateStore))
        {
            return null;
        }

        return context.Components.OfType<IStateStore>().Any()
            ? DaprError.Rich(400, "ERR_STATE_STORE_NOT_FOUND", $"state store {store} is not found", "DAPR_STATE_NOT_FOUND", "state", store)
            : DaprError.Rich(500, "ERR_STATE_STORE_NOT_CONFIGURED", "state store is not configured", "DAPR_STATE_NOT_CONFIGURED", "state", store);
    }

    private static bool TryStoreKey(IStateStore stateStore, string store, string key, out string storeKey, out IResult illegal)
    {
        try
        {
            storeKey = stateStore.Settings.Keys.ToStoreKey(key);
            illegal = Results.Empty;
            return true;
        }
        catch (IllegalStateKeyException e)
        {
            storeKey = "";
            illegal = DaprError.Rich(400, "ERR_MALFORMED_REQUEST", e.Message, "DAPR_STATE_ILLEGAL_KEY", "state", store, badField: e.Key);
            return false;
        }
    }

    /// <summary>Validates the <c>concurrency</c> and <c>consistency</c> options; consistency is accepted and ignored,
    /// as every local store is strongly consistent.</summary>
    private static bool TryReadOptions(string? concurrency, string? consistency, out StateConcurrency parsed, out string problem)
    {
        problem = "";
        parsed = StateConcurrency.LastWrite;
        switch (concurrency)
        {
            case null or "" or "last-write":
                break;
            case "first-write":
                parsed = StateConcurrency.FirstWrite;
                break;
            default:
                problem = $"unknown concurrency option '{concurrency}' (expected first-write or last-write)";
                return false;
        }

        if (consistency is not (null or "" or "eventual" or "strong"))
        {
            problem = $"unknown consistency option '{consistency}' (expected eventual or strong)";
            return false;
        }

        return true;
    }

    /// <summary>Query metadata overrides the body's.</summary>
    private static Dictionary<string, string> Merge(Dictionary<string, string> body, Dictionary<string, string> query)
    {
        var merged = new Dictionary<string, string>(body, StringComparer.Ordinal);
        foreach (var (name, value) in query)
        {
            merged[name] = value;
        }

        return merged;
    }

    private static IResult StoreFailure(string errorCode, string message, Exception e) =>
        DaprError.Create(e switch { ETagMismatchException => 409, InvalidETagException => 400, _ => 500 }, errorCode, $"{message}: {e.Message}");

    private static IResult Malformed(MalformedStateRequestException e) => DaprError.Create(400, "ERR_MALFORMED_REQUEST", e.Message);

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
