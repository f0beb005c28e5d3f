using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sidecart.Events;

/// <summary>
/// A small JSON Schema (draft-07) validator for the keywords the event schemas in <c>docs/schemas</c> use: <c>type</c>,
/// <c>required</c>, <c>properties</c>, <c>additionalProperties</c>, <c>enum</c>, <c>minimum</c>, <c>exclusiveMinimum</c>,
/// <c>minLength</c>, <c>pattern</c>, <c>format: date-time</c>, <c>minItems</c> and <c>items</c>. The schema files are the
/// contract shared with the other services (shipping checks the same files in Python), so they are loaded as they are.
/// </summary>
public sealed partial class JsonSchemaValidator
{
    private static readonly HashSet<string> Annotations = ["$schema", "$id", "$comment", "title", "description", "examples", "default"];

    private static readonly HashSet<string> Assertions =
    [
        "type", "required", "properties", "additionalProperties", "enum", "minimum", "exclusiveMinimum",
        "minItems", "items", "pattern", "format", "minLength",
    ];

    private static readonly TimeSpan PatternTimeout = TimeSpan.FromSeconds(1);

    private readonly JsonElement _schema;

    private JsonSchemaValidator(JsonElement schema, string name)
    {
        CheckSupported(schema, name);
        _schema = schema;
    }

    public static JsonSchemaValidator Parse(string schemaJson, string name = "$")
    {
        using var document = JsonDocument.Parse(schemaJson);
        return new JsonSchemaValidator(document.RootElement.Clone(), name);
    }

    public static JsonSchemaValidator Load(string path) => Parse(File.ReadAllText(path), Path.GetFileName(path));

    /// <summary>The first problem found (depth first, in schema order), or null when <paramref name="instance"/> is valid.</summary>
    /// <param name="path">How the instance is named in the violation's path, e.g. <c>data</c>.</param>
    public SchemaViolation? Validate(JsonElement instance, string path = "$") => Validate(instance, _schema, path);

    private static SchemaViolation? Validate(JsonElement instance, JsonElement schema, string path) =>
        CheckType(instance, schema, path)
        ?? CheckEnum(instance, schema, path)
        ?? instance.ValueKind switch
        {
            JsonValueKind.Number => CheckNumber(instance, schema, path),
            JsonValueKind.String => CheckString(instance, schema, path),
            JsonValueKind.Array => CheckArray(instance, schema, path),
            JsonValueKind.Object => CheckObject(instance, schema, path),
            _ => null,
        };

    private static SchemaViolation? CheckType(JsonElement instance, JsonElement schema, string path)
    {
        if (!schema.TryGetProperty("type", out var type))
        {
            return null;
        }

        var allowed = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList() : [type.GetString()!];
        return allowed.Any(name => HasType(instance, name))
            ? null
            : new SchemaViolation(path, $"expected {string.Join(" or ", allowed)}, got {TypeName(instance)}");
    }

    private static SchemaViolation? CheckEnum(JsonElement instance, JsonElement schema, string path) =>
        schema.TryGetProperty("enum", out var options) && !options.EnumerateArray().Any(option => JsonElement.DeepEquals(instance, option) || SameNumber(instance, option))
            ? new SchemaViolation(path, $"{Show(instance)} is not one of {Show(options)}")
            : null;

    private static SchemaViolation? CheckNumber(JsonElement instance, JsonElement schema, string path)
    {
        var value = instance.GetDouble();
        if (schema.TryGetProperty("minimum", out var minimum) && value < minimum.GetDouble())
        {
            return new SchemaViolation(path, $"{Show(instance)} is less than the minimum {minimum.GetRawText()}");
        }

        return schema.TryGetProperty("exclusiveMinimum", out var exclusiveMinimum) && value <= exclusiveMinimum.GetDouble()
            ? new SchemaViolation(path, $"{Show(instance)} must be greater than {exclusiveMinimum.GetRawText()}")
            : null;
    }

    private static SchemaViolation? CheckString(JsonElement instance, JsonElement schema, string path)
    {
        var text = instance.GetString()!;
        if (schema.TryGetProperty("minLength", out var minLength) && CodePoints(text) < minLength.GetInt32())
        {
            return new SchemaViolation(path, $"must be at least {minLength.GetInt32()} characters long");
        }

        if (schema.TryGetProperty("pattern", out var pattern) && !Regex.IsMatch(text, pattern.GetString()!, RegexOptions.None, PatternTimeout))
        {
            return new SchemaViolation(path, $"{Show(instance)} does not match {pattern.GetString()}");
        }

        return schema.TryGetProperty("format", out var format) && format.GetString() == "date-time" && !IsDateTime(text)
            ? new SchemaViolation(path, $"{Show(instance)} is not an RFC 3339 date-time")
            : null;
    }

    private static SchemaViolation? CheckArray(JsonElement instance, JsonElement schema, string path)
    {
        var count = instance.GetArrayLength();
        if (schema.TryGetProperty("minItems", out var minItems) && count < minItems.GetInt32())
        {
            return new SchemaViolation(path, $"must have at least {minItems.GetInt32()} item(s), got {count}");
        }

        if (schema.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Object)
        {
            var index = 0;
            foreach (var item in instance.EnumerateArray())
            {
                if (Validate(item, items, $"{path}[{index++}]") is { } violation)
                {
                    return violation;
                }
            }
        }

        return null;
    }

    private static SchemaViolation? CheckObject(JsonElement instance, JsonElement schema, string path)
    {
        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(n => n.GetString()!))
            {
                if (!instance.TryGetProperty(name, out _))
                {
                    return new SchemaViolation($"{path}.{name}", "required field is missing");
                }
            }
        }

        var hasProperties = schema.TryGetProperty("properties", out var properties);
        if (hasProperties)
        {
            foreach (var property in properties.EnumerateObject())
            {
                if (instance.TryGetProperty(property.Name, out var value) && Validate(value, property.Value, $"{path}.{property.Name}") is { } violation)
                {
                    return violation;
                }
            }
        }

        if (!schema.TryGetProperty("additionalProperties", out var additional) || additional.ValueKind == JsonValueKind.True)
        {
            return null;
        }

        foreach (var field in instance.EnumerateObject())
        {
            if (hasProperties && properties.TryGetProperty(field.Name, out _))
            {
                continue;
            }

            var violation = additional.ValueKind == JsonValueKind.False
                ? new SchemaViolation($"{path}.{field.Name}", "unexpected field")
                : Validate(field.Value, additional, $"{path}.{field.Name}");
            if (violation is not null)
            {
                return violation;
            }
        }

        return null;
    }

    private static bool HasType(JsonElement instance, string name) => name switch
    {
        "null" => instance.ValueKind == JsonValueKind.Null,
        "boolean" => instance.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "integer" => instance.ValueKind == JsonValueKind.Number && IsInteger(instance),
        "number" => instance.ValueKind == JsonValueKind.Number,
        "string" => instance.ValueKind == JsonValueKind.String,
        "array" => instance.ValueKind == JsonValueKind.Array,
        "object" => instance.ValueKind == JsonValueKind.Object,
        _ => throw new UnsupportedSchemaException($"unknown type '{name}'"),
    };

    // Draft-07 counts 1.0 as an integer: what matters is the value, not how it is written.
    private static bool IsInteger(JsonElement number) =>
        number.TryGetDecimal(out var value) ? decimal.Truncate(value) == value : Math.Floor(number.GetDouble()) == number.GetDouble();

    private static bool SameNumber(JsonElement left, JsonElement right) =>
        left.ValueKind == JsonValueKind.Number && right.ValueKind == JsonValueKind.Number && left.GetDouble() == right.GetDouble();

    private static string TypeName(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Number => IsInteger(value) ? "integer" : "number",
        JsonValueKind.String => "string",
        JsonValueKind.Array => "array",
        _ => "object",
    };

    private static int CodePoints(string text) => text.EnumerateRunes().Count();

    private static bool IsDateTime(string text) =>
        DateTimePattern().IsMatch(text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _);

    private static string Show(JsonElement value)
    {
        var text = value.GetRawText();
        return text.Length <= 60 ? text : text[..57] + "...";
    }

    private static void CheckSupported(JsonElement schema, string where)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new UnsupportedSchemaException($"{where}: a schema must be an object");
        }

        var unknown = schema.EnumerateObject().Select(p => p.Name).Where(n => !Annotations.Contains(n) && !Assertions.Contains(n)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new UnsupportedSchemaException($"{where}: unsupported keywords {string.Join(", ", unknown)}");
        }

        if (schema.TryGetProperty("format", out var format) && format.GetString() != "date-time")
        {
            throw new UnsupportedSchemaException($"{where}: unsupported format '{format.GetString()}'");
        }

        if (schema.TryGetProperty("properties", out var properties))
        {
            foreach (var property in properties.EnumerateObject())
            {
                CheckSupported(property.Value, $"{where}.{property.Name}");
            }
        }

        if (schema.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Object)
        {
            CheckSupported(items, $"{where}[]");
        }

        if (schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.Object)
        {
            CheckSupported(additional, $"{where}.*");
        }
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex DateTimePattern();
}
