using LocalSidecar.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LocalSidecar.Messaging;

/// <summary>What a publish asks for: the request body and its Content-Type, the <c>metadata.*</c> query values,
/// and who publishes, where and when.</summary>
public sealed record PublishRequest(
    string PubsubName,
    string Topic,
    byte[] Body,
    string? ContentType,
    IReadOnlyDictionary<string, string> Metadata,
    string PublisherAppId,
    TraceContext Trace,
    DateTimeOffset Now);

/// <summary>The envelope could not be built (a custom CloudEvent that is not a JSON object, a bad TTL).</summary>
public sealed class CloudEventException(string message) : Exception(message);

/// <summary>Builds and reads the CloudEvents 1.0 JSON envelopes Dapr wraps published data in
/// (https://docs.dapr.io/developing-applications/building-blocks/pubsub/pubsub-cloudevents/).</summary>
public static class CloudEventEnvelope
{
    public const string ContentType = "application/cloudevents+json";

    public const string DefaultType = "com.dapr.event.sent";

    public const string SpecVersion = "1.0";

    private const string OverridePrefix = "cloudevent.";

    private static readonly string[] Overridable = ["id", "source", "type", "traceid", "traceparent", "tracestate"];

    /// <summary>The envelope for a publish, serialised as it will sit in the broker.</summary>
    public static byte[] Build(PublishRequest request)
    {
        var mediaType = MediaType(request.ContentType);
        var envelope = mediaType == ContentType ? FromCustom(request) : Wrap(request, mediaType);
        if (ReadTtl(request.Metadata) is { } ttl)
        {
            envelope["expiration"] = Rfc3339(request.Now + ttl);
        }

        return JsonSerializer.SerializeToUtf8Bytes(envelope, SidecarJsonContext.Default.JsonObject);
    }

    /// <summary>The envelope a subscriber synthesises for a <c>rawPayload</c> subscription: the raw bytes as
    /// <c>data_base64</c> under a fresh id.</summary>
    public static JsonObject ForRawPayload(ReadOnlyMemory<byte> data, string topic, string pubsubName) => new()
    {
        ["id"] = Guid.NewGuid().ToString(),
        ["specversion"] = SpecVersion,
        ["datacontenttype"] = "application/octet-stream",
        ["source"] = "Dapr",
        ["type"] = DefaultType,
        ["topic"] = topic,
        ["pubsubname"] = pubsubName,
        ["data_base64"] = Convert.ToBase64String(data.Span),
    };

    /// <summary>Parses a stored envelope; null when the bytes are not a JSON object.</summary>
    public static JsonObject? TryParse(ReadOnlyMemory<byte> data)
    {
        try
        {
            return JsonNode.Parse(data.Span) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>True when the envelope carries an <c>expiration</c> that has passed.</summary>
    public static bool IsExpired(JsonObject envelope, DateTimeOffset now) =>
        envelope["expiration"] is JsonValue value && value.TryGetValue<string>(out var text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expiration)
        && expiration < now;

    private static JsonObject Wrap(PublishRequest request, string? mediaType)
    {
        var envelope = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["source"] = request.PublisherAppId.Length > 0 ? request.PublisherAppId : "Dapr",
            ["type"] = DefaultType,
            ["specversion"] = SpecVersion,
            ["datacontenttype"] = request.ContentType ?? "text/plain",
        };
        if (mediaType is "application/octet-stream" or "application/cloudevents+protobuf")
        {
            envelope["data_base64"] = Convert.ToBase64String(request.Body);
        }
        else
        {
            envelope["data"] = mediaType == "application/json" ? JsonOrString(request.Body) : Encoding.UTF8.GetString(request.Body);
        }

        envelope["topic"] = request.Topic;
        envelope["pubsubname"] = request.PubsubName;
        envelope["traceid"] = request.Trace.Traceparent;
        envelope["traceparent"] = request.Trace.Traceparent;
        envelope["tracestate"] = request.Trace.Tracestate;
        envelope["time"] = Rfc3339(request.Now);
        ApplyOverrides(envelope, request.Metadata);
        return envelope;
    }

    private static JsonObject FromCustom(PublishRequest request)
    {
        JsonObject envelope;
        try
        {
            envelope = JsonNode.Parse(request.Body) as JsonObject
                ?? throw new CloudEventException("a custom CloudEvent (application/cloudevents+json) must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new CloudEventException($"a custom CloudEvent (application/cloudevents+json) is not valid JSON: {e.Message}");
        }

        envelope["topic"] = request.Topic;
        envelope["pubsubname"] = request.PubsubName;
        AddIfMissing(envelope, "time", Rfc3339(request.Now));
        if (IsMissing(envelope, "traceid"))
        {
            envelope["traceid"] = request.Trace.Traceparent;
            envelope["traceparent"] = request.Trace.Traceparent;
        }

        AddIfMissing(envelope, "tracestate", request.Trace.Tracestate);
        AddIfMissing(envelope, "source", "Dapr");
        AddIfMissing(envelope, "type", DefaultType);
        AddIfMissing(envelope, "specversion", SpecVersion);
        return envelope;
    }

    private static void ApplyOverrides(JsonObject envelope, IReadOnlyDictionary<string, string> metadata)
    {
        foreach (var (key, value) in metadata)
        {
            if (!key.StartsWith(OverridePrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var field = key[OverridePrefix.Length..].ToLowerInvariant();
            if (!Overridable.Contains(field))
            {
                continue;
            }

            envelope[field] = value;
            if (field == "traceparent")
            {
                envelope["traceid"] = value;
            }
        }
    }

    private static JsonNode? JsonOrString(byte[] body)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return Encoding.UTF8.GetString(body);
        }
    }

    private static TimeSpan? ReadTtl(IReadOnlyDictionary<string, string> metadata)
    {
        try
        {
            return PubSubMetadata.ReadTtl(metadata);
        }
        catch (FormatException e)
        {
            throw new CloudEventException(e.Message);
        }
    }

    private static string? MediaType(string? contentType) =>
        contentType is not null && MediaTypeHeaderValue.TryParse(contentType, out var parsed) ? parsed.MediaType?.ToLowerInvariant() : null;

    private static bool IsMissing(JsonObject envelope, string field) => envelope[field] is null;

    private static void AddIfMissing(JsonObject envelope, string field, string value)
    {
        if (IsMissing(envelope, field))
        {
            envelope[field] = value;
        }
    }

    private static string Rfc3339(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
