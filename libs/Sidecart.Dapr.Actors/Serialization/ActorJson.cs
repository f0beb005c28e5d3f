using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Sidecart.Dapr.Actors.Serialization;

internal static class ActorJson
{
    /// <summary>Options over the app's resolver (keeping its context's naming and other settings) with the host's
    /// primitives as a fallback.</summary>
    public static JsonSerializerOptions CreateOptions(IJsonTypeInfoResolver? appResolver)
    {
        var options = appResolver is JsonSerializerContext context
            ? new JsonSerializerOptions(context.Options)
            : new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.TypeInfoResolver = appResolver is null
            ? ActorsJsonContext.Default
            : JsonTypeInfoResolver.Combine(appResolver, ActorsJsonContext.Default);
        options.MakeReadOnly();
        return options;
    }

    public static JsonTypeInfo<T> TypeInfo<T>(JsonSerializerOptions options) => (JsonTypeInfo<T>)TypeInfo(options, typeof(T));

    public static JsonTypeInfo TypeInfo(JsonSerializerOptions options, Type type)
    {
        try
        {
            return options.GetTypeInfo(type);
        }
        catch (NotSupportedException e)
        {
            throw new InvalidOperationException(
                $"No JSON metadata for {type}: add [JsonSerializable(typeof({type.Name}))] to the JsonSerializerContext given to AddActors (ActorsOptions.JsonTypeInfoResolver).", e);
        }
    }
}
