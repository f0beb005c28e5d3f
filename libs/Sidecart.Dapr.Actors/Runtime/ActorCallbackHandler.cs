using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sidecart.Dapr.Actors.Serialization;

namespace Sidecart.Dapr.Actors.Runtime;

/// <summary>Answers the sidecar's actor callbacks (https://docs.dapr.io/reference/api/actors_api/): method calls, reminder and timer firings,
/// and deactivations. Every failure is an actor error (see <see cref="ActorErrorCodes"/>).</summary>
internal sealed class ActorCallbackHandler(ActorRuntime runtime, ILogger<ActorCallbackHandler> logger)
{
    public async Task ConfigAsync(HttpContext http)
    {
        http.Response.ContentType = "application/json";
        await http.Response.Body.WriteAsync(runtime.ConfigDocument, http.RequestAborted);
    }

    public async Task MethodAsync(HttpContext http)
    {
        var call = ActorCall.From(http, "methodName", isMethodCall: true);
        if (!TryFindType(call, out var type) || !TryFindMethod(type, call, out var method))
        {
            await WriteErrorAsync(http, call, StatusCodes.Status404NotFound, type is null ? ActorErrorCodes.ActorTypeNotHosted : ActorErrorCodes.MethodNotFound,
                type is null ? $"This app does not host actor type '{call.ActorType}'." : $"Actor type '{call.ActorType}' has no method '{call.Name}'.");
            return;
        }

        object? argument;
        try
        {
            argument = method.ReadArgument(await ReadBodyAsync(http), type.Json);
        }
        catch (JsonException e)
        {
            await WriteErrorAsync(http, call, StatusCodes.Status400BadRequest, ActorErrorCodes.BadRequest, $"The body of {call.Name} is not valid: {e.Message}");
            return;
        }

        await RunAsync(http, call, type, async (actor, cancellationToken) =>
        {
            var result = await method.InvokeAsync(actor, argument, cancellationToken);
            // Serialized inside the turn so a result that cannot be written rolls the state back too.
            return method.ResultType is { } resultType
                ? JsonSerializer.SerializeToUtf8Bytes(result, ActorJson.TypeInfo(type.Json, resultType))
                : null;
        });
    }

    public async Task ReminderAsync(HttpContext http)
    {
        var call = ActorCall.From(http, "reminderName", isMethodCall: false);
        if (!TryFindType(call, out var type) || !type.IsRemindable)
        {
            await WriteErrorAsync(http, call, StatusCodes.Status404NotFound, type is null ? ActorErrorCodes.ActorTypeNotHosted : ActorErrorCodes.MethodNotFound,
                type is null ? $"This app does not host actor type '{call.ActorType}'." : $"Actor type '{call.ActorType}' does not implement IRemindable.");
            return;
        }

        if (await ReadCallbackAsync(http, call, ActorsJsonContext.Default.ReminderCallbackWire) is not { } reminder)
        {
            return;
        }

        await RunAsync(http, call, type, async (actor, _) =>
        {
            await ((IRemindable)actor).ReceiveReminderAsync(call.Name, reminder.Data, reminder.DueTime ?? "", reminder.Period ?? "");
            return null;
        });
    }

    public async Task TimerAsync(HttpContext http)
    {
        var call = ActorCall.From(http, "timerName", isMethodCall: false);
        if (!TryFindType(call, out var type))
        {
            await WriteErrorAsync(http, call, StatusCodes.Status404NotFound, ActorErrorCodes.ActorTypeNotHosted, $"This app does not host actor type '{call.ActorType}'.");
            return;
        }

        if (await ReadCallbackAsync(http, call, ActorsJsonContext.Default.TimerCallbackWire) is not { } timer)
        {
            return;
        }

        ActorMethod? callback;
        try
        {
            callback = timer.Callback is { Length: > 0 } callbackName ? type.TimerCallback(callbackName) : null;
        }
        catch (InvalidOperationException e)
        {
            await WriteErrorAsync(http, call, StatusCodes.Status404NotFound, ActorErrorCodes.MethodNotFound, e.Message);
            return;
        }

        if (callback is null)
        {
            await WriteErrorAsync(http, call, StatusCodes.Status404NotFound, ActorErrorCodes.MethodNotFound,
                $"Actor type '{call.ActorType}' has no timer callback method '{timer.Callback}'.");
            return;
        }

        object? data;
        try
        {
            data = callback.ParameterType is { } dataType && timer.Data is { } json ? json.Deserialize(ActorJson.TypeInfo(type.Json, dataType)) : null;
        }
        catch (JsonException e)
        {
            await WriteErrorAsync(http, call, StatusCodes.Status400BadRequest, ActorErrorCodes.BadRequest, $"The data of timer {call.Name} is not valid: {e.Message}");
            return;
        }

        await RunAsync(http, call, type, async (actor, cancellationToken) =>
        {
            await callback.InvokeAsync(actor, data, cancellationToken);
            return null;
        });
    }

    public async Task DeactivateAsync(HttpContext http)
    {
        var call = ActorCall.From(http, null, isMethodCall: false);
        if (!TryFindType(call, out _))
        {
            await WriteErrorAsync(http, call, StatusCodes.Status404NotFound, ActorErrorCodes.ActorTypeNotHosted, $"This app does not host actor type '{call.ActorType}'.");
            return;
        }

        await runtime.DeactivateAsync(call.ActorType, call.ActorId);
        http.Response.StatusCode = StatusCodes.Status200OK;
    }

    private async Task RunAsync(HttpContext http, ActorCall call, ActorTypeInfo type, Func<Actor, CancellationToken, Task<byte[]?>> body)
    {
        TurnResult<byte[]?> turn;
        try
        {
            turn = await runtime.RunTurnAsync(type, call.ActorId, body, http.RequestAborted);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Actor {ActorType} call {Call} failed", call.ActorType, call.Name);
            await WriteErrorAsync(http, call, StatusCodes.Status500InternalServerError, ActorErrorCodes.MethodFailed, e.Message, e.GetType().FullName);
            return;
        }

        http.Response.StatusCode = StatusCodes.Status200OK;
        if (turn.StopScheduledCallback)
        {
            http.Response.Headers[ActorErrorCodes.ReminderCancelHeader] = "true";
        }

        if (turn.Value is { } result)
        {
            http.Response.ContentType = "application/json";
            await http.Response.Body.WriteAsync(result, http.RequestAborted);
        }
    }

    private bool TryFindType(ActorCall call, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ActorTypeInfo? type)
    {
        type = runtime.FindType(call.ActorType);
        return type is not null;
    }

    private static bool TryFindMethod(ActorTypeInfo type, ActorCall call, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ActorMethod? method) =>
        type.Methods.TryGetValue(call.Name, out method);

    private static async Task<T?> ReadCallbackAsync<T>(HttpContext http, ActorCall call, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
        where T : class
    {
        try
        {
            var body = await ReadBodyAsync(http);
            return body.Length == 0 ? throw new JsonException("empty body") : JsonSerializer.Deserialize(body, typeInfo);
        }
        catch (JsonException e)
        {
            await WriteErrorAsync(http, call, StatusCodes.Status400BadRequest, ActorErrorCodes.BadRequest, $"The callback body of {call.Name} is not valid: {e.Message}");
            return null;
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        return buffer.ToArray();
    }

    /// <summary>A method call's error is answered 200 with <c>X-DaprErrorResponseHeader</c>: daprd turns any other status
    /// into 500 <c>ERR_ACTOR_INVOKE_METHOD</c> and relays the header only on a 200 answer (dapr/dapr
    /// pkg/actors/targets/app/app.go), as the .NET actor SDK's host relies on. A reminder or timer callback has no caller
    /// to read the body, so its error keeps <paramref name="status"/>, which daprd counts as a failed firing.</summary>
    private static async Task WriteErrorAsync(HttpContext http, ActorCall call, int status, string errorCode, string message, string? exceptionType = null)
    {
        if (call.IsMethodCall)
        {
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.Headers[ActorErrorCodes.ErrorResponseHeader] = "true";
        }
        else
        {
            http.Response.StatusCode = status;
        }

        http.Response.ContentType = "application/json";
        var error = new ActorErrorWire(errorCode, message, call.ActorType, call.ActorId, call.Name, exceptionType);
        await http.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(error, ActorsJsonContext.Default.ActorErrorWire), http.RequestAborted);
    }

    private readonly record struct ActorCall(string ActorType, string ActorId, string Name, bool IsMethodCall)
    {
        public static ActorCall From(HttpContext http, string? nameRouteValue, bool isMethodCall) => new(
            Route(http, "actorType"),
            Route(http, "actorId"),
            nameRouteValue is null ? "" : Route(http, nameRouteValue),
            isMethodCall);

        private static string Route(HttpContext http, string name) => http.Request.RouteValues[name] as string ?? "";
    }
}
