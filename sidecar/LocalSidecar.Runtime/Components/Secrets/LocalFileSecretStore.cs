using System.Text.Json;

namespace LocalSidecar.Components.Secrets;

/// <summary><c>secretstores.local.file</c>: secrets from a JSON file. Nested objects and arrays are flattened into
/// names joined by <c>nestedSeparator</c> (default <c>:</c>); with <c>multiValued: true</c> each top-level key is
/// one secret whose values are its flattened children.</summary>
[ComponentType("secretstores.local.file")]
public sealed class LocalFileSecretStore : ISecretStore
{
    private Dictionary<string, Dictionary<string, string>> _secrets = [];

    public Task InitAsync(ComponentContext context, CancellationToken cancellationToken)
    {
        var path = context.ResolvePath(context.Required("secretsFile"));
        var separator = context.Optional("nestedSeparator") ?? ":";
        var multiValued = context.Bool("multiValued", false);
        if (!File.Exists(path))
        {
            throw context.Invalid("secretsFile", $"file '{path}' does not exist");
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw context.Invalid("secretsFile", $"'{path}' is not valid JSON: {e.Message}");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw context.Invalid("secretsFile", $"'{path}' must hold a JSON object");
        }

        _secrets = multiValued ? MultiValued(root, separator) : SingleValued(root, separator);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<string, string>> GetAsync(string name, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        _secrets.TryGetValue(name, out var values)
            ? Task.FromResult<IReadOnlyDictionary<string, string>>(values)
            : throw new SecretNotFoundException(name);

    public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> BulkGetAsync(IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>>(
            _secrets.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, string>)kv.Value, StringComparer.Ordinal));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static Dictionary<string, Dictionary<string, string>> SingleValued(JsonElement root, string separator)
    {
        var flat = new Dictionary<string, string>(StringComparer.Ordinal);
        Flatten(root, "", separator, flat);
        return flat.ToDictionary(kv => kv.Key, kv => new Dictionary<string, string> { [kv.Key] = kv.Value }, StringComparer.Ordinal);
    }

    private static Dictionary<string, Dictionary<string, string>> MultiValued(JsonElement root, string separator)
    {
        var result = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                Flatten(property.Value, "", separator, values);
            }
            else
            {
                values[property.Name] = Scalar(property.Value);
            }

            result[property.Name] = values;
        }

        return result;
    }

    private static void Flatten(JsonElement element, string prefix, string separator, Dictionary<string, string> into)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, Join(prefix, property.Name, separator), separator, into);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, Join(prefix, (index++).ToString(System.Globalization.CultureInfo.InvariantCulture), separator), separator, into);
                }

                break;
            default:
                into[prefix] = Scalar(element);
                break;
        }
    }

    private static string Join(string prefix, string name, string separator) => prefix.Length == 0 ? name : prefix + separator + name;

    private static string Scalar(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();
}
