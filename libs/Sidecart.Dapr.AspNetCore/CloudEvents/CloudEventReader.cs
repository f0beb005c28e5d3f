using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Sidecart.Dapr.AspNetCore;

/// <summary>Parses the CloudEvents 1.0 JSON envelope daprd delivers (https://docs.dapr.io/developing-applications/building-blocks/pubsub/pubsub-cloudevents/).</summary>
internal static class CloudEventReader
{
    public static bool TryRead<T>(
        ReadOnlyMemory<byte> body,
        JsonTypeInfo<T> dataType,
        [NotNullWhen(true)] out CloudEvent<T>? cloudEvent,
        [NotNullWhen(false)] out string? error)
    {
        cloudEvent = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "the body is not a JSON object";
                return false;
            }

            var id = String(root, "id");
            if (string.IsNullOrEmpty(id))
            {
                error = "the event has no id";
                return false;
            }

            var data = ReadData(root, dataType);
            if (data is null)
            {
                error = "the event has no data";
                return false;
            }

            cloudEvent = new CloudEvent<T>(id, String(root, "source") ?? string.Empty, String(root, "type") ?? string.Empty, data)
            {
                SpecVersion = String(root, "specversion") ?? "1.0",
                DataContentType = String(root, "datacontenttype"),
                Topic = String(root, "topic"),
                PubsubName = String(root, "pubsubname"),
                Time = String(root, "time") is { Length: > 0 } time ? DateTimeOffset.Parse(time, CultureInfo.InvariantCulture) : null,
                Subject = String(root, "subject"),
                TraceParent = String(root, "traceparent"),
            };
            error = null;
            return true;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            error = e.Message;
            return false;
        }
    }

    private static T? ReadData<T>(JsonElement root, JsonTypeInfo<T> dataType)
    {
        if (root.TryGetProperty("data", out var data) && data.ValueKind != JsonValueKind.Null)
        {
            return data.Deserialize(dataType);
        }

        // rawPayload subscriptions carry the publisher's bytes base64-encoded; JSON payloads still bind.
        return String(root, "data_base64") is { Length: > 0 } base64
            ? JsonSerializer.Deserialize(Convert.FromBase64String(base64), dataType)
            : default;
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
