using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Sidecart.Dapr;

/// <summary>An upsert or delete inside <see cref="DaprClient.ExecuteStateTransactionAsync"/>.</summary>
public sealed record StateTransactionOperation(
    StateOperationType Operation,
    string Key,
    JsonElement? Value = null,
    string? ETag = null,
    IReadOnlyDictionary<string, string>? Metadata = null,
    StateOptions? Options = null)
{
    public static StateTransactionOperation Upsert<T>(
        string key,
        T value,
        JsonTypeInfo<T> typeInfo,
        string? etag = null,
        IReadOnlyDictionary<string, string>? metadata = null,
        StateOptions? options = null) =>
        new(StateOperationType.Upsert, key, JsonSerializer.SerializeToElement(value, typeInfo), etag, metadata, options);

    public static StateTransactionOperation Delete(
        string key,
        string? etag = null,
        IReadOnlyDictionary<string, string>? metadata = null,
        StateOptions? options = null) =>
        new(StateOperationType.Delete, key, null, etag, metadata, options);
}
