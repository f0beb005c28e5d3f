using System.Text.Encodings.Web;
using System.Text.Json;
using LocalSidecar.Api.Universal;

namespace LocalSidecar.Api;

internal sealed record StateTransactionRequest(IReadOnlyList<StateOperationRequest> Operations, Dictionary<string, string> Metadata);

internal sealed record BulkGetRequest(IReadOnlyList<string> Keys, int Parallelism, Dictionary<string, string> Metadata);

/// <summary>Reads the JSON bodies of the state API. Values are kept as their JSON text, re-encoded compactly, so a
/// JSON string is stored with its quotes and an object as JSON, as daprd stores them.</summary>
internal static class StateRequestBodies
{
    private static readonly JsonWriterOptions CompactUnescaped = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<List<StateItemRequest>> ReadSaveAsync(Stream body, CancellationToken cancellationToken)
    {
        using var document = await ParseAsync(body, cancellationToken);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw Malformed("the request body must be a JSON array of state items");
        }

        return document.RootElement.EnumerateArray().Select(Item).ToList();
    }

    public static async Task<BulkGetRequest> ReadBulkGetAsync(Stream body, CancellationToken cancellationToken)
    {
        using var document = await ParseAsync(body, cancellationToken);
        var root = Object(document.RootElement, "the request body");
        var keys = new List<string>();
        if (Property(root, "keys") is { } keysElement)
        {
            if (keysElement.ValueKind != JsonValueKind.Array)
            {
                throw Malformed("\"keys\" must be an array of strings");
            }

            keys.AddRange(keysElement.EnumerateArray().Select(k => String(k, "keys[]") ?? ""));
        }

        var parallelism = Property(root, "parallelism") is { } p
            ? p.ValueKind == JsonValueKind.Number && p.TryGetInt32(out var n) ? n : throw Malformed("\"parallelism\" must be an integer")
            : 0;
        return new BulkGetRequest(keys, parallelism, Metadata(root));
    }

    public static async Task<StateTransactionRequest> ReadTransactionAsync(Stream body, CancellationToken cancellationToken)
    {
        using var document = await ParseAsync(body, cancellationToken);
        var root = Object(document.RootElement, "the request body");
        var operations = new List<StateOperationRequest>();
        if (Property(root, "operations") is { } operationsElement)
        {
            if (operationsElement.ValueKind != JsonValueKind.Array)
            {
                throw Malformed("\"operations\" must be an array");
            }

            foreach (var operation in operationsElement.EnumerateArray())
            {
                Object(operation, "an operation");
                var request = Property(operation, "request") is { } r ? Item(r) : throw Malformed("an operation has no \"request\"");
                operations.Add(new StateOperationRequest(String(Property(operation, "operation"), "operation") ?? "", request));
            }
        }

        return new StateTransactionRequest(operations, Metadata(root));
    }

    private static async Task<JsonDocument> ParseAsync(Stream body, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        }
        catch (JsonException e)
        {
            throw Malformed($"failed deserializing HTTP body: {e.Message}");
        }
    }

    private static StateItemRequest Item(JsonElement item)
    {
        Object(item, "a state item");
        var key = String(Property(item, "key"), "key");
        if (string.IsNullOrEmpty(key))
        {
            throw Malformed("\"key\" is a required field");
        }

        string? concurrency = null;
        string? consistency = null;
        if (Property(item, "options") is { ValueKind: not JsonValueKind.Null } options)
        {
            Object(options, "\"options\"");
            concurrency = String(Property(options, "concurrency"), "options.concurrency");
            consistency = String(Property(options, "consistency"), "options.consistency");
        }

        return new StateItemRequest(key, Value(Property(item, "value")), String(Property(item, "etag"), "etag"), Metadata(item), concurrency, consistency);
    }

    private static byte[] Value(JsonElement? value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, CompactUnescaped))
        {
            if (value is { } element)
            {
                element.WriteTo(writer);
            }
            else
            {
                writer.WriteNullValue();
            }
        }

        return buffer.ToArray();
    }

    private static Dictionary<string, string> Metadata(JsonElement owner)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Property(owner, "metadata") is not { ValueKind: not JsonValueKind.Null } metadata)
        {
            return result;
        }

        foreach (var entry in Object(metadata, "\"metadata\"").EnumerateObject())
        {
            result[entry.Name] = String(entry.Value, $"metadata.{entry.Name}") ?? "";
        }

        return result;
    }

    /// <summary>Field names match case-insensitively, as Go's JSON decoding (and so daprd) matches them.</summary>
    private static JsonElement? Property(JsonElement owner, string name)
    {
        if (owner.TryGetProperty(name, out var exact))
        {
            return exact;
        }

        foreach (var property in owner.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    /// <summary>The body is not what the API expects: 400 <c>ERR_MALFORMED_REQUEST</c>.</summary>
    private static DaprApiException Malformed(string message) => DaprErrors.MalformedRequestBody(message).ToException();

    private static JsonElement Object(JsonElement element, string what) =>
        element.ValueKind == JsonValueKind.Object ? element : throw Malformed($"{what} must be a JSON object");

    private static string? String(JsonElement? element, string field) => element switch
    {
        null or { ValueKind: JsonValueKind.Null } => null,
        { ValueKind: JsonValueKind.String } e => e.GetString(),
        _ => throw Malformed($"\"{field}\" must be a string"),
    };
}
