using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Sidecart.Events;

/// <summary>
/// A topic's payload contract as its consumer holds it: the topic, the JSON Schema shared with the other services
/// (<c>docs/schemas</c>), and the type the payload is read into once it keeps the schema.
/// </summary>
public sealed class EventContract<T>(string topic, JsonSchemaValidator schema, JsonTypeInfo<T> typeInfo)
{
    public string Topic { get; } = topic;

    /// <summary>The payload, or false with a reason naming what is wrong (bad JSON, or the field breaking the schema).</summary>
    public bool TryRead(TopicDelivery delivery, [NotNullWhen(true)] out T? payload, out string reason)
    {
        payload = default;
        reason = string.Empty;
        if (!delivery.TryGetData(out var data, out var problem))
        {
            reason = problem;
            return false;
        }

        if (schema.Validate(data, "data") is { } violation)
        {
            reason = $"schema violation at {violation}";
            return false;
        }

        try
        {
            payload = data.Deserialize(typeInfo);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            // Valid by the schema yet not representable, e.g. a quantity beyond the range of int.
            reason = $"unsupported value: {e.Message}";
            return false;
        }

        if (payload is null)
        {
            reason = "data: null is not an event";
            return false;
        }

        return true;
    }
}
