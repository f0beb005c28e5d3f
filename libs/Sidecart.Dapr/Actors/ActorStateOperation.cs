using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Sidecart.Dapr;

/// <summary>An upsert or delete of one actor state key inside <see cref="DaprClient.ExecuteActorStateTransactionAsync"/>.</summary>
public sealed record ActorStateOperation(
    StateOperationType Operation,
    string Key,
    JsonElement? Value = null,
    IReadOnlyDictionary<string, string>? Metadata = null)
{
    public static ActorStateOperation Upsert<T>(string key, T value, JsonTypeInfo<T> typeInfo, IReadOnlyDictionary<string, string>? metadata = null) =>
        new(StateOperationType.Upsert, key, JsonSerializer.SerializeToElement(value, typeInfo), metadata);

    public static ActorStateOperation Delete(string key) => new(StateOperationType.Delete, key);
}
