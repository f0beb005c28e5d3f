using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Sidecart.Dapr;

/// <summary>One item of a state save; the value is serialized when the item is created.</summary>
public sealed record SaveStateItem(
    string Key,
    JsonElement Value,
    string? ETag = null,
    IReadOnlyDictionary<string, string>? Metadata = null,
    StateOptions? Options = null)
{
    public static SaveStateItem Create<T>(
        string key,
        T value,
        JsonTypeInfo<T> typeInfo,
        string? etag = null,
        IReadOnlyDictionary<string, string>? metadata = null,
        StateOptions? options = null) =>
        new(key, JsonSerializer.SerializeToElement(value, typeInfo), etag, metadata, options);
}
