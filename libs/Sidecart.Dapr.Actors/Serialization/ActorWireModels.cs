using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sidecart.Dapr.Actors.Serialization;

// The JSON the sidecar and the host exchange for actors (https://docs.dapr.io/reference/api/actors_api/).

internal sealed record ActorConfigWire(
    [property: JsonPropertyName("entities")] IReadOnlyList<string> Entities,
    [property: JsonPropertyName("actorIdleTimeout")] string? ActorIdleTimeout,
    [property: JsonPropertyName("drainOngoingCallTimeout")] string? DrainOngoingCallTimeout,
    [property: JsonPropertyName("drainRebalancedActors")] bool? DrainRebalancedActors,
    [property: JsonPropertyName("reentrancy")] ReentrancyWire? Reentrancy,
    [property: JsonPropertyName("entitiesConfig")] IReadOnlyList<EntityConfigWire>? EntitiesConfig);

internal sealed record EntityConfigWire(
    [property: JsonPropertyName("entities")] IReadOnlyList<string> Entities,
    [property: JsonPropertyName("actorIdleTimeout")] string? ActorIdleTimeout,
    [property: JsonPropertyName("drainOngoingCallTimeout")] string? DrainOngoingCallTimeout,
    [property: JsonPropertyName("drainRebalancedActors")] bool? DrainRebalancedActors,
    [property: JsonPropertyName("reentrancy")] ReentrancyWire? Reentrancy);

internal sealed record ReentrancyWire(
    [property: JsonPropertyName("enabled")] bool Enabled,
    [property: JsonPropertyName("maxStackDepth")] int? MaxStackDepth);

internal sealed record ReminderCallbackWire(
    [property: JsonPropertyName("data")] JsonElement? Data,
    [property: JsonPropertyName("dueTime")] string? DueTime,
    [property: JsonPropertyName("period")] string? Period);

internal sealed record TimerCallbackWire(
    [property: JsonPropertyName("callback")] string? Callback,
    [property: JsonPropertyName("data")] JsonElement? Data,
    [property: JsonPropertyName("dueTime")] string? DueTime,
    [property: JsonPropertyName("period")] string? Period);

/// <summary>The body of an actor error answer; <c>errorCode</c>/<c>message</c> follow Dapr's error shape so any
/// client reads it, the other fields let <see cref="ActorMethodException"/> say what failed.</summary>
internal sealed record ActorErrorWire(
    [property: JsonPropertyName("errorCode")] string ErrorCode,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("actorType")] string? ActorType,
    [property: JsonPropertyName("actorId")] string? ActorId,
    [property: JsonPropertyName("method")] string? Method,
    [property: JsonPropertyName("exceptionType")] string? ExceptionType);
