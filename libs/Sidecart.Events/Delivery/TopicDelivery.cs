using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Sidecart.Events;

/// <summary>
/// One pub/sub delivery as received, read without trusting it: its CloudEvent id, its topic, the event as it arrived,
/// and its payload as JSON or the reason there is none. Reading never fails, so a malformed event can still be kept as
/// a dead letter with the reason it was refused.
/// </summary>
/// <remarks>
/// Apps run Dapr.AspNetCore's <c>UseCloudEvents(new CloudEventsMiddlewareOptions { ForwardCloudEventPropertiesAsHeaders = true })</c>:
/// that middleware replaces the body with the event's <c>data</c> (decoded from <c>data_base64</c>, a JSON string
/// kept as JSON unless the data is text), sets the content type to <c>datacontenttype</c>, and passes the other
/// attributes as <c>Cloudevent.&lt;name&gt;</c> headers. Without the forwarded headers the id falls back to a hash of the
/// payload. A CloudEvent that reaches the endpoint still wrapped (no middleware) is read from its envelope instead.
/// </remarks>
public sealed class TopicDelivery
{
    public const string CloudEventContentType = "application/cloudevents+json";

    /// <summary>The prefix of the headers Dapr.AspNetCore's CloudEvents middleware forwards the attributes in.</summary>
    public const string AttributeHeaderPrefix = "Cloudevent.";

    private readonly JsonElement _data;
    private readonly string? _problem;

    private TopicDelivery(string id, string? topic, JsonElement originalEvent, JsonElement data, string? problem)
    {
        Id = id;
        Topic = topic;
        OriginalEvent = originalEvent;
        _data = data;
        _problem = problem;
    }

    /// <summary>The CloudEvent id; without one, a hash of the bytes, so a redelivery is still recognised.</summary>
    public string Id { get; }

    /// <summary>The CloudEvent's <c>topic</c> attribute, when it has one.</summary>
    public string? Topic { get; }

    /// <summary>The event as it arrived: the CloudEvent envelope (rebuilt from the forwarded attributes and the data
    /// when the middleware unwrapped it), or the body as a JSON string when it was not JSON at all.</summary>
    public JsonElement OriginalEvent { get; }

    /// <summary>Lets an endpoint take a <see cref="TopicDelivery"/> parameter directly.</summary>
    public static async ValueTask<TopicDelivery?> BindAsync(HttpContext context) => await ReadAsync(context.Request, context.RequestAborted);

    public static async Task<TopicDelivery> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        if (IsCloudEvent(request.ContentType))
        {
            return FromCloudEvent(buffer.ToArray());
        }

        var attributes = request.Headers
            .Where(h => h.Key.StartsWith(AttributeHeaderPrefix, StringComparison.OrdinalIgnoreCase))
            .Select(h => KeyValuePair.Create(h.Key[AttributeHeaderPrefix.Length..].ToLowerInvariant(), Unescape(h.Value.ToString())))
            .ToList();

        // The middleware leaves traceparent out (daprd sends it as a header of its own); the envelope had it.
        if (attributes.Count > 0 && request.Headers.TryGetValue("traceparent", out var traceparent) && attributes.All(a => a.Key != "traceparent"))
        {
            attributes.Add(KeyValuePair.Create("traceparent", traceparent.ToString()));
        }

        return FromData(buffer.ToArray(), request.ContentType, attributes);
    }

    /// <summary>A delivery as Dapr.AspNetCore's CloudEvents middleware hands it on: the data, its content type (null when
    /// the event had no data), and the other attributes of the envelope.</summary>
    public static TopicDelivery FromData(ReadOnlyMemory<byte> data, string? contentType, IEnumerable<KeyValuePair<string, string>> attributes)
    {
        var envelope = new JsonObject();
        foreach (var (attribute, value) in attributes)
        {
            envelope.TryAdd(attribute, value);
        }

        var hasData = contentType is not null || data.Length > 0;
        if (contentType is not null)
        {
            envelope["datacontenttype"] = contentType;
        }

        if (hasData)
        {
            AddData(envelope, data, contentType);
        }

        var id = envelope["id"] is JsonValue idValue && idValue.TryGetValue<string>(out var text) && text.Length > 0 ? text : HashId(data.Span);
        var topic = envelope["topic"] is JsonValue topicValue && topicValue.TryGetValue<string>(out var name) ? name : null;
        var original = ToElement(envelope);
        return hasData
            ? Parse(data, "data is not a JSON document", (payload, problem) => new TopicDelivery(id, topic, original, payload, problem))
            : new TopicDelivery(id, topic, original, default, "data: required field is missing from the CloudEvent");
    }

    /// <summary>A CloudEvent envelope as daprd sends it (<c>application/cloudevents+json</c>), when no middleware
    /// unwrapped it; the body is read as it is if it is not one.</summary>
    public static TopicDelivery FromCloudEvent(ReadOnlyMemory<byte> body)
    {
        JsonElement original;
        try
        {
            using var document = JsonDocument.Parse(body);
            original = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            original = JsonSerializer.SerializeToElement(Encoding.UTF8.GetString(body.Span), EventsJsonContext.Default.String);
        }

        if (original.ValueKind != JsonValueKind.Object)
        {
            return new TopicDelivery(HashId(body.Span), null, original, default, "bad JSON: the body is not a JSON object (a CloudEvent was expected)");
        }

        var id = original.TryGetProperty("id", out var idValue) && idValue.ValueKind == JsonValueKind.String && idValue.GetString() is { Length: > 0 } text
            ? text
            : HashId(body.Span);
        var topic = original.TryGetProperty("topic", out var topicValue) && topicValue.ValueKind == JsonValueKind.String ? topicValue.GetString() : null;
        TopicDelivery Make(JsonElement payload, string? problem) => new(id, topic, original, payload, problem);

        if (original.TryGetProperty("data_base64", out var base64))
        {
            return base64.ValueKind == JsonValueKind.String && TryDecodeBase64(base64.GetString()!) is { } bytes
                ? Parse(bytes, "data_base64 does not hold a JSON document", Make)
                : Make(default, "bad JSON: data_base64 does not hold a JSON document");
        }

        if (!original.TryGetProperty("data", out var data))
        {
            return Make(default, "data: required field is missing from the CloudEvent");
        }

        // A publisher that sends JSON as text (or invalid JSON as application/json) gets it embedded as a string.
        return data.ValueKind == JsonValueKind.String
            ? Parse(Encoding.UTF8.GetBytes(data.GetString()!), "data is not a JSON document", Make)
            : Make(data, null);
    }

    /// <summary>The event's payload as JSON; false with a reason when there is none to read.</summary>
    public bool TryGetData(out JsonElement data, [NotNullWhen(false)] out string? reason)
    {
        data = _data;
        reason = _problem;
        return reason is null;
    }

    private static TopicDelivery Parse(ReadOnlyMemory<byte> json, string problem, Func<JsonElement, string?, TopicDelivery> make)
    {
        try
        {
            var payload = ParseJson(json);

            // JSON sent as text arrives as a JSON string holding it (daprd embeds it that way).
            return payload.ValueKind == JsonValueKind.String
                ? make(ParseJson(Encoding.UTF8.GetBytes(payload.GetString()!)), null)
                : make(payload, null);
        }
        catch (JsonException e)
        {
            return make(default, $"bad JSON: {problem} ({e.Message})");
        }
    }

    private static JsonElement ParseJson(ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static void AddData(JsonObject envelope, ReadOnlyMemory<byte> data, string? contentType)
    {
        if (IsJson(contentType))
        {
            try
            {
                envelope["data"] = JsonNode.Parse(data.Span);
                return;
            }
            catch (JsonException)
            {
                // Falls through to the bytes: not JSON after all.
            }
        }
        else if (TryDecodeUtf8(data.Span) is { } text)
        {
            envelope["data"] = text;
            return;
        }

        envelope["data_base64"] = Convert.ToBase64String(data.Span);
    }

    private static bool IsCloudEvent(string? contentType) =>
        contentType is not null && MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && parsed.MediaType.Equals(CloudEventContentType, StringComparison.OrdinalIgnoreCase);

    private static bool IsJson(string? contentType)
    {
        if (contentType is null)
        {
            return true;
        }

        return MediaTypeHeaderValue.TryParse(contentType, out var parsed)
            && (parsed.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                || parsed.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));
    }

    // The middleware forwards a string attribute as its JSON text without the quotes, escapes included.
    private static string Unescape(string value)
    {
        if (!value.Contains('\\', StringComparison.Ordinal))
        {
            return value;
        }

        try
        {
            return JsonSerializer.Deserialize($"\"{value}\"", EventsJsonContext.Default.String) ?? value;
        }
        catch (JsonException)
        {
            return value;
        }
    }

    private static string? TryDecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static byte[]? TryDecodeBase64(string text)
    {
        var bytes = new byte[text.Length];
        return Convert.TryFromBase64String(text, bytes, out var written) ? bytes[..written] : null;
    }

    private static string HashId(ReadOnlySpan<byte> bytes) => "sha256-" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..32];

    private static JsonElement ToElement(JsonObject envelope)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            envelope.WriteTo(writer);
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }
}
