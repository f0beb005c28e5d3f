using System.Text.Json;
using System.Text.Json.Nodes;
using LocalSidecar.Actors;
using LocalSidecar.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LocalSidecar.Api;

/// <summary>The actors API (https://docs.dapr.io/reference/api/actors_api/) and its sidecar-to-sidecar half under <c>/_internal/actors</c>,
/// through which a request reaches the sidecar that owns the actor.</summary>
public static class ActorsApi
{
    private const string ActorPath = "/v1.0/actors/{actorType}/{actorId}";
    private const string InternalActorPath = Sidecar.InternalPrefix + "/actors/{actorType}/{actorId}";
    private static readonly string[] MethodVerbs = ["GET", "POST", "PUT", "DELETE"];
    private static readonly string[] WriteVerbs = ["POST", "PUT"];

    /// <summary>Headers of the caller's request that describe the connection rather than the call.</summary>
    private static readonly HashSet<string> HeadersNotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Expect", "Content-Length",
        Invocation.InvocationHeaders.AppId, ActorResponse.NotOwnerHeader,
    };

    public static IEndpointRouteBuilder MapActorsApi(this IEndpointRouteBuilder routes)
    {
        var actors = routes.ServiceProvider.GetRequiredService<ActorRuntime>();
        var group = routes.MapGroup("").AddEndpointFilter(RejectUnsafeNames);
        MapPublicRoutes(group, actors);
        return routes;
    }

    private static void MapPublicRoutes(RouteGroupBuilder routes, ActorRuntime actors)
    {

        routes.MapMethods(ActorPath + "/method/{**method}", MethodVerbs, async (HttpContext http, string actorType, string actorId, string? method) =>
        {
            var call = await ReadCallAsync(http, new ActorKey(actorType, actorId), method);
            await (await actors.InvokeAsync(call, http.RequestAborted)).WriteAsync(http.Response, http.RequestAborted);
        });

        routes.MapGet(ActorPath + "/state/{key}", async (HttpContext http, string actorType, string actorId, string key) =>
            await (await actors.GetStateAsync(new ActorKey(actorType, actorId), key, http.RequestAborted)).WriteAsync(http.Response, http.RequestAborted));

        routes.MapMethods(ActorPath + "/state", WriteVerbs, async (HttpContext http, string actorType, string actorId) =>
        {
            var body = await ReadBodyAsync(http.Request);
            var answer = TryReadOperations(body, out var operations, out var problem)
                ? await actors.TransactStateAsync(new ActorKey(actorType, actorId), operations, http.RequestAborted)
                : problem;
            await answer.WriteAsync(http.Response, http.RequestAborted);
        });

        routes.MapMethods(ActorPath + "/reminders/{name}", WriteVerbs, async (HttpContext http, string actorType, string actorId, string name) =>
        {
            var answer = TryReadSchedule(await ReadBodyAsync(http.Request), out var request, out var malformed)
                ? await actors.CreateReminderAsync(new ActorKey(actorType, actorId), name, request, http.RequestAborted)
                : malformed;
            await answer.WriteAsync(http.Response, http.RequestAborted);
        });
        routes.MapGet(ActorPath + "/reminders/{name}", async (HttpContext http, string actorType, string actorId, string name) =>
            await (await actors.GetReminderAsync(new ActorKey(actorType, actorId), name, http.RequestAborted)).WriteAsync(http.Response, http.RequestAborted));
        routes.MapDelete(ActorPath + "/reminders/{name}", async (HttpContext http, string actorType, string actorId, string name) =>
            await (await actors.DeleteReminderAsync(new ActorKey(actorType, actorId), name, http.RequestAborted)).WriteAsync(http.Response, http.RequestAborted));

        routes.MapMethods(ActorPath + "/timers/{name}", WriteVerbs, async (HttpContext http, string actorType, string actorId, string name) =>
        {
            var body = await ReadBodyAsync(http.Request);
            var answer = TryReadSchedule(body, out var request, out var malformed)
                ? await actors.CreateTimerAsync(new ActorKey(actorType, actorId), name, request, body, http.RequestAborted)
                : malformed;
            await answer.WriteAsync(http.Response, http.RequestAborted);
        });
        routes.MapDelete(ActorPath + "/timers/{name}", async (HttpContext http, string actorType, string actorId, string name) =>
            await (await actors.DeleteTimerAsync(new ActorKey(actorType, actorId), name, http.RequestAborted)).WriteAsync(http.Response, http.RequestAborted));
    }

    /// <summary>Actor types, ids and reminder or timer names may not contain <c>/ \ # ?</c> or control characters, nor be
    /// <c>.</c> or <c>..</c> (400 <c>ERR_BAD_REQUEST</c>, as daprd 1.16.19 answers).</summary>
    private static async ValueTask<object?> RejectUnsafeNames(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        foreach (var parameter in (ReadOnlySpan<string>)["actorType", "actorId", "name"])
        {
            if (context.HttpContext.Request.RouteValues.TryGetValue(parameter, out var value) && value is string text && IsUnsafe(Uri.UnescapeDataString(text)))
            {
                await ActorResponse.Error(400, "ERR_BAD_REQUEST", $"{parameter} '{text}' is not allowed: it may not contain '/', '\\', '#', '?' or control characters, nor be '.' or '..'")
                    .WriteAsync(context.HttpContext.Response, context.HttpContext.RequestAborted);
                return Results.Empty;
            }
        }

        return await next(context);
    }

    private static bool IsUnsafe(string name) =>
        name is "." or ".." || name.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));

    /// <summary>Maps the owner side of the hop: the calling sidecar has resolved this sidecar as the owner; if the
    /// membership changed meanwhile, the answer carries <see cref="ActorResponse.NotOwnerHeader"/> and the caller retries.</summary>
    public static IEndpointRouteBuilder MapInternalActorsApi(this IEndpointRouteBuilder routes)
    {
        var actors = routes.ServiceProvider.GetRequiredService<ActorRuntime>();

        routes.MapPut(InternalActorPath + "/method/{**method}", async (HttpContext http, string actorType, string actorId, string? method) =>
        {
            var call = await ReadCallAsync(http, new ActorKey(actorType, actorId), method);
            await (await actors.InvokeOwnedAsync(call, http.RequestAborted)).WriteAsync(http.Response, http.RequestAborted);
        });

        routes.MapPut(InternalActorPath + "/reminders/{name}", async (HttpContext http) =>
        {
            var reminder = ActorRuntime.ReadReminder(await ReadBodyAsync(http.Request));
            var answer = reminder is null
                ? ActorResponse.Error(400, "ERR_MALFORMED_REQUEST", "missing reminder")
                : actors.ScheduleOwnedReminder(reminder);
            await answer.WriteAsync(http.Response, http.RequestAborted);
        });
        routes.MapDelete(InternalActorPath + "/reminders/{name}", (HttpContext http, string actorType, string actorId, string name) =>
            actors.UnscheduleOwnedReminder(new ActorKey(actorType, actorId), name).WriteAsync(http.Response, http.RequestAborted));

        routes.MapPut(InternalActorPath + "/timers/{name}", async (HttpContext http, string actorType, string actorId, string name) =>
        {
            var answer = TryReadSchedule(await ReadBodyAsync(http.Request), out var request, out var malformed)
                ? actors.CreateOwnedTimer(new ActorKey(actorType, actorId), name, request)
                : malformed;
            await answer.WriteAsync(http.Response, http.RequestAborted);
        });
        routes.MapDelete(InternalActorPath + "/timers/{name}", (HttpContext http, string actorType, string actorId, string name) =>
            actors.DeleteOwnedTimer(new ActorKey(actorType, actorId), name).WriteAsync(http.Response, http.RequestAborted));

        return routes;
    }

    private static async Task<ActorCall> ReadCallAsync(HttpContext http, ActorKey actor, string? method)
    {
        var headers = http.Request.Headers
            .Where(h => !HeadersNotForwarded.Contains(h.Key))
            .Select(h => KeyValuePair.Create(h.Key, h.Value.Select(v => v ?? "").ToArray()))
            .ToList();
        var escapedMethod = new PathString("/" + method).ToUriComponent()[1..];
        return new ActorCall(actor, escapedMethod, http.Request.QueryString.ToUriComponent(), headers, await ReadBodyAsync(http.Request));
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var memory = new MemoryStream();
        await request.Body.CopyToAsync(memory, request.HttpContext.RequestAborted);
        return memory.ToArray();
    }

    private static bool TryReadSchedule(byte[] body, out ScheduleRequest request, out ActorResponse malformed)
    {
        try
        {
            request = ScheduleRequest.Parse(body);
            malformed = ActorResponse.NoContent;
            return true;
        }
        catch (FormatException e)
        {
            request = null!;
            malformed = ActorResponse.Error(400, "ERR_MALFORMED_REQUEST", $"failed to parse the request body: {e.Message}");
            return false;
        }
    }

    /// <summary>Reads <c>[{"operation":"upsert"|"delete","request":{"key","value","etag","metadata"}}]</c>.</summary>
    private static bool TryReadOperations(byte[] body, out List<ActorStateOperation> operations, out ActorResponse problem)
    {
        operations = [];
        problem = ActorResponse.NoContent;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            problem = ActorResponse.Error(400, "ERR_MALFORMED_REQUEST", $"failed to parse the request body: {e.Message}");
            return false;
        }

        if (root is not JsonArray array)
        {
            problem = ActorResponse.Error(400, "ERR_MALFORMED_REQUEST", "the request body must be a JSON array of operations");
            return false;
        }

        foreach (var element in array)
        {
            if (element is not JsonObject { } entry || entry["request"] is not JsonObject request
                || request["key"] is not JsonValue keyValue || !keyValue.TryGetValue<string>(out var key) || key.Length == 0)
            {
                problem = ActorResponse.Error(400, "ERR_MALFORMED_REQUEST", "every operation needs a request with a key");
                return false;
            }

            var operation = entry["operation"] is JsonValue op && op.TryGetValue<string>(out var name) ? name : "";
            if (operation is not ("upsert" or "delete"))
            {
                problem = ActorResponse.Error(400, "ERR_ACTOR_STATE_TRANSACTION_SAVE", $"operation type {operation} not supported");
                return false;
            }

            var metadata = request["metadata"] is JsonObject meta
                ? meta.Where(kv => kv.Value is JsonValue).ToDictionary(kv => kv.Key, kv => kv.Value!.ToString(), StringComparer.Ordinal)
                : new Dictionary<string, string>(StringComparer.Ordinal);
            var etag = request["etag"] is JsonValue etagValue && etagValue.TryGetValue<string>(out var text) ? text : null;
            var value = System.Text.Encoding.UTF8.GetBytes(request["value"]?.ToJsonString() ?? "null");
            operations.Add(new ActorStateOperation(operation == "upsert", key, value, etag, metadata));
        }

        return true;
    }
}
