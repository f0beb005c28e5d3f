using YamlDotNet.RepresentationModel;

namespace LocalSidecar.Components;

/// <summary>Small typed accessors over YamlDotNet's node model that report the file and field path on error.</summary>
internal sealed record YamlNodes(string File, YamlMappingNode Node, string Path)
{
    public YamlNode? Raw(string key) =>
        Node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public string? String(string key)
    {
        var node = Raw(key);
        return node switch
        {
            null => null,
            YamlScalarNode s when IsNull(s) => null,
            YamlScalarNode s => s.Value,
            _ => throw Error(key, $"expected a scalar value, found {Describe(node)}"),
        };
    }

    public string RequiredString(string key) =>
        String(key) is { Length: > 0 } value ? value : throw Error(key, "is required");

    public YamlNodes? Mapping(string key)
    {
        var node = Raw(key);
        return node switch
        {
            null => null,
            YamlScalarNode s when IsNull(s) => null,
            YamlMappingNode m => new YamlNodes(File, m, Join(key)),
            _ => throw Error(key, $"expected a mapping, found {Describe(node)}"),
        };
    }

    public IReadOnlyList<YamlNode> Sequence(string key)
    {
        var node = Raw(key);
        return node switch
        {
            null => [],
            YamlScalarNode s when IsNull(s) => [],
            YamlSequenceNode seq => seq.Children.ToList(),
            _ => throw Error(key, $"expected a list, found {Describe(node)}"),
        };
    }

    public IReadOnlyList<YamlNodes> MappingSequence(string key) =>
        Sequence(key).Select((item, i) => item is YamlMappingNode m
            ? new YamlNodes(File, m, $"{Join(key)}[{i}]")
            : throw Error($"{key}[{i}]", $"expected a mapping, found {Describe(item)}")).ToList();

    public IReadOnlyList<string> StringSequence(string key) =>
        Sequence(key).Select((item, i) => item is YamlScalarNode s && s.Value is not null
            ? s.Value
            : throw Error($"{key}[{i}]", "expected a string")).ToList();

    public IReadOnlyDictionary<string, string> StringMap(string key)
    {
        var map = Mapping(key);
        if (map is null)
        {
            return new Dictionary<string, string>();
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in map.Node.Children)
        {
            var name = ((YamlScalarNode)k).Value ?? "";
            result[name] = v is YamlScalarNode s ? s.Value ?? "" : throw map.Error(name, "expected a scalar value");
        }

        return result;
    }

    public bool Bool(string key, bool fallback)
    {
        var value = String(key);
        if (value is null)
        {
            return fallback;
        }

        return bool.TryParse(value, out var parsed) ? parsed : throw Error(key, $"'{value}' is not true or false");
    }

    public IEnumerable<string> Keys => Node.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "");

    public ResourceException Error(string key, string problem)
    {
        var line = Raw(key)?.Start.Line ?? Node.Start.Line;
        return new ResourceException($"{File}:{line}", Join(key), problem);
    }

    private string Join(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    private static bool IsNull(YamlScalarNode s) =>
        s.Style == YamlDotNet.Core.ScalarStyle.Plain && s.Value is null or "" or "~" or "null";

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ => "a scalar",
    };
}
