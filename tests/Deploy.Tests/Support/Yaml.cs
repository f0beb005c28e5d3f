using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Deploy.Tests.Support;

/// <summary>YAML read into plain values: a mapping is a <see cref="Dictionary{TKey,TValue}"/> of string to value, a
/// sequence a <see cref="List{T}"/>; a plain scalar is typed as YAML 1.2's core schema types it (null, bool, long,
/// double), any other scalar (quoted, or plain text) is a string, as Kubernetes reads them.</summary>
public static class Yaml
{
    public static IReadOnlyList<Dictionary<string, object?>> Documents(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new InvalidDataException($"{source}: invalid YAML at line {e.Start.Line}: {e.InnerException?.Message ?? e.Message}", e);
        }

        var result = new List<Dictionary<string, object?>>();
        foreach (var document in stream.Documents)
        {
            switch (Convert(document.RootNode))
            {
                case Dictionary<string, object?> mapping:
                    result.Add(mapping);
                    break;
                case null:
                    break;
                default:
                    throw new InvalidDataException($"{source}: line {document.RootNode.Start.Line}: a document that is not a mapping");
            }
        }

        return result;
    }

    public static IReadOnlyList<Dictionary<string, object?>> File(string relative) => Documents(Repo.Read(relative), relative);

    private static object? Convert(YamlNode node) => node switch
    {
        YamlMappingNode m => m.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value ?? "", kv => Convert(kv.Value), StringComparer.Ordinal),
        YamlSequenceNode s => s.Children.Select(Convert).ToList(),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } s => Plain(s.Value),
        YamlScalarNode s => s.Value,
        _ => throw new InvalidDataException($"unsupported YAML node at line {node.Start.Line}"),
    };

    private static object? Plain(string? text) => text switch
    {
        null or "" or "~" or "null" or "Null" or "NULL" => null,
        "true" or "True" or "TRUE" => true,
        "false" or "False" or "FALSE" => false,
        _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => n,
        _ when System.Text.RegularExpressions.Regex.IsMatch(text, @"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$") =>
            double.Parse(text, CultureInfo.InvariantCulture),
        _ => text,
    };

    /// <summary>A scalar's text, whatever YAML type it has.</summary>
    public static string? Text(object? value) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        long n => n.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };

    // Navigation over the plain values, for readable tests: Get(deployment, "spec", "template", "metadata").

    public static object? Get(object? value, params string[] path)
    {
        foreach (var key in path)
        {
            value = value is Dictionary<string, object?> map && map.TryGetValue(key, out var next) ? next : null;
        }

        return value;
    }

    /// <summary>The scalar at the path as text (a port written 5101 reads "5101").</summary>
    public static string? Str(object? value, params string[] path) => Text(Get(value, path));

    public static Dictionary<string, object?> Map(object? value, params string[] path) =>
        Get(value, path) as Dictionary<string, object?> ?? new Dictionary<string, object?>(StringComparer.Ordinal);

    public static List<object?> List(object? value, params string[] path) => Get(value, path) as List<object?> ?? [];

    public static IEnumerable<Dictionary<string, object?>> Maps(object? value, params string[] path) =>
        List(value, path).OfType<Dictionary<string, object?>>();

    public static IEnumerable<string> Strings(object? value, params string[] path) => List(value, path).Select(Text).OfType<string>();

    public static int? Number(object? value, params string[] path) =>
        int.TryParse(Str(value, path), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
}
