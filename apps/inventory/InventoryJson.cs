using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Sidecart.Inventory;

/// <summary>
/// The JSON of the Sku actor's wire (arguments and results), of its state and of the Dapr client: the settings of
/// <see cref="InventoryJsonContext"/> (web defaults: camelCase names, enums as strings), so state written before the
/// move to the Dapr SDK reads the same.
/// </summary>
public static class InventoryJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        // Reflection after the context: a typed actor proxy (remoting with JSON bodies) wraps each argument and result
        // in a type the SDK emits at run time, which no source-generated context can list.
        var options = new JsonSerializerOptions(InventoryJsonContext.Default.Options)
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine(InventoryJsonContext.Default, new DefaultJsonTypeInfoResolver()),
        };
        options.MakeReadOnly();
        return options;
    }
}
