using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sidecart.Dapr.Serialization;

// The JSON shapes of Dapr's HTTP API (https://docs.dapr.io/reference/api/), kept internal so the public API stays typed.

internal sealed record DaprErrorBody(
    [property: JsonPropertyName("errorCode")] string? ErrorCode,
    [property: JsonPropertyName("message")] string? Message);

internal sealed record StateOptionsWire(
    [property: JsonPropertyName("concurrency")] string? Concurrency,
    [property: JsonPropertyName("consistency")] string? Consistency);

internal sealed record StateItemWire(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("value")] JsonElement? Value,
    [property: JsonPropertyName("etag")] string? ETag,
    [property: JsonPropertyName("metadata")] IReadOnlyDictionary<string, string>? Metadata,
    [property: JsonPropertyName("options")] StateOptionsWire? Options);

internal sealed record TransactionOperationWire(
    [property: JsonPropertyName("operation")] string Operation,
    [property: JsonPropertyName("request")] StateItemWire Request);

internal sealed record StateTransactionWire(
    [property: JsonPropertyName("operations")] IReadOnlyList<TransactionOperationWire> Operations,
    [property: JsonPropertyName("metadata")] IReadOnlyDictionary<string, string>? Metadata);

internal sealed record BulkGetRequestWire(
    [property: JsonPropertyName("keys")] IReadOnlyList<string> Keys,
    [property: JsonPropertyName("parallelism")] int? Parallelism);

internal sealed record BulkGetItemWire(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("data")] JsonElement? Data,
    [property: JsonPropertyName("etag")] string? ETag,
    [property: JsonPropertyName("metadata")] Dictionary<string, string>? Metadata,
    [property: JsonPropertyName("error")] string? Error);

internal sealed record ReminderWire(
    [property: JsonPropertyName("dueTime")] string DueTime,
    [property: JsonPropertyName("period")] string? Period,
    [property: JsonPropertyName("ttl")] string? Ttl,
    [property: JsonPropertyName("data")] JsonElement? Data);

internal sealed record TimerWire(
    [property: JsonPropertyName("dueTime")] string DueTime,
    [property: JsonPropertyName("period")] string? Period,
    [property: JsonPropertyName("ttl")] string? Ttl,
    [property: JsonPropertyName("callback")] string? Callback,
    [property: JsonPropertyName("data")] JsonElement? Data);
