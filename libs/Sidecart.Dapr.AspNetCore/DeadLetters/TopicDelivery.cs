using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Sidecart.Dapr.AspNetCore.DeadLetters;

/// <summary>
/// One pub/sub delivery as received, read without trusting it: the raw body, its CloudEvent envelope when it is one,
/// and a stable id. Unlike <see cref="CloudEvent{T}"/> binding it never fails, so a malformed event can still be kept
/// as a dead letter with the reason it was refused.
/// </summary>
public sealed class TopicDelivery
{
    private readonly JsonElement? _envelope;

    private TopicDelivery(string id, JsonElement originalEvent, JsonElement? envelope)
    {
        Id = id;
        OriginalEvent = originalEvent;
        _envelope = envelope;
    }

    /// <summary>The CloudEvent id; for a body without one, a hash of the bytes, so a redelivery is still recognised.</summary>
    public string Id { get; }

    /// <summary>The event as it arrived: its JSON when it was JSON, else its text as a JSON string.</summary>
    public JsonElement OriginalEvent { get; }

    public static async Task<TopicDelivery> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, cancellationToken);
        return Read(buffer.ToArray());
    }

    public static TopicDelivery Read(ReadOnlyMemory<byte> body)
    {
        JsonElement original;
        try
        {
            using var document = JsonDocument.Parse(body);
            original = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            original = JsonSerializer.SerializeToElement(Encoding.UTF8.GetString(body.Span), DeadLetterJsonContext.Default.String);
        }

        var envelope = original.ValueKind == JsonValueKind.Object ? original : (JsonElement?)null;
        var id = envelope is { } e && e.TryGetProperty("id", out var idValue) && idValue.ValueKind == JsonValueKind.String && idValue.GetString() is { Length: > 0 } text
            ? text
            : "sha256-" + Convert.ToHexStringLower(SHA256.HashData(body.Span))[..32];
        return new TopicDelivery(id, original, envelope);
    }

    /// <summary>The event's payload as JSON; false with a reason when there is none to read.</summary>
    public bool TryGetData(out JsonElement data, out string reason)
    {
        data = default;
        if (_envelope is not { } envelope)
        {
            reason = "bad JSON: the body is not a JSON object (a CloudEvent was expected)";
            return false;
        }

        if (envelope.TryGetProperty("data_base64", out var base64))
        {
            return TryParse(base64.ValueKind == JsonValueKind.String ? TryDecodeBase64(base64.GetString()!) : null, "data_base64 does not hold a JSON document", out data, out reason);
        }

        if (!envelope.TryGetProperty("data", out data))
        {
            reason = "data: required field is missing from the CloudEvent";
            return false;
        }

        // A publisher that sends JSON as text (or invalid JSON as application/json) gets it embedded as a string.
        return data.ValueKind != JsonValueKind.String
            ? Accept(out reason)
            : TryParse(Encoding.UTF8.GetBytes(data.GetString()!), "data is not a JSON document", out data, out reason);
    }

    private static bool TryParse(byte[]? json, string problem, out JsonElement data, out string reason)
    {
        data = default;
        if (json is null)
        {
            reason = $"bad JSON: {problem}";
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            data = document.RootElement.Clone();
            return Accept(out reason);
        }
        catch (JsonException e)
        {
            reason = $"bad JSON: {problem} ({e.Message})";
            return false;
        }
    }

    private static byte[]? TryDecodeBase64(string text)
    {
        var bytes = new byte[text.Length];
        return Convert.TryFromBase64String(text, bytes, out var written) ? bytes[..written] : null;
    }

    private static bool Accept(out string reason)
    {
        reason = string.Empty;
        return true;
    }
}
