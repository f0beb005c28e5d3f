using System.Net;
using System.Text.Json;
using Sidecart.Dapr.Actors.Runtime;
using Sidecart.Dapr.Actors.Serialization;

namespace Sidecart.Dapr.Actors;

/// <summary>The actor a proxy calls, and the call itself.</summary>
internal sealed class ActorProxyTarget(DaprClient client, JsonSerializerOptions json, string actorType, string actorId)
{
    public async Task<object?> CallAsync(ActorMethod method, object? argument, CancellationToken cancellationToken)
    {
        try
        {
            JsonElement answer;
            if (method.ParameterType is { } parameterType)
            {
                var body = JsonSerializer.SerializeToElement(argument, ActorJson.TypeInfo(json, parameterType));
                answer = await client.InvokeActorMethodAsync(actorType, actorId, method.Name, body,
                    ActorsJsonContext.Default.JsonElement, ActorsJsonContext.Default.JsonElement, cancellationToken);
            }
            else
            {
                answer = await client.InvokeActorMethodAsync(actorType, actorId, method.Name, ActorsJsonContext.Default.JsonElement, cancellationToken);
            }

            return method.ResultType is { } resultType && answer.ValueKind != JsonValueKind.Undefined
                ? answer.Deserialize(ActorJson.TypeInfo(json, resultType))
                : null;
        }
        catch (DaprApiException e) when (ActorError(e) is { } error)
        {
            throw new ActorMethodException(e.StatusCode, error.ErrorCode, error.Message, e.ResponseBody,
                error.ActorType ?? actorType, error.ActorId ?? actorId, error.Method ?? method.Name, error.ExceptionType);
        }
    }

    /// <summary>The host's error body, when the failure came from inside the actor rather than from the sidecar: the
    /// sidecar relays an actor's error only as the host's 200 answer marked <c>X-DaprErrorResponseHeader</c>.</summary>
    private static ActorErrorWire? ActorError(DaprApiException e)
    {
        if (e.StatusCode != HttpStatusCode.OK || e.ResponseBody is not { Length: > 0 } body)
        {
            return null;
        }

        try
        {
            var error = JsonSerializer.Deserialize(body, ActorsJsonContext.Default.ActorErrorWire);
            return error is { ErrorCode: ActorErrorCodes.ActorTypeNotHosted or ActorErrorCodes.MethodNotFound or ActorErrorCodes.BadRequest or ActorErrorCodes.MethodFailed }
                ? error
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
