using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Sidecart.Catalog.Tests;

/// <summary>Where two JSON documents differ, as readable paths (<c>$.paths['/products/{sku}'].get</c>): the order of
/// an object's members does not count, the order of an array's items does.</summary>
public static partial class JsonDifferences
{
    private const int LongestValueShown = 160;

    public static IReadOnlyList<string> Between(JsonNode? expected, JsonNode? actual, string expectedName, string actualName)
    {
        var differences = new List<string>();
        Compare("$", expected, actual, differences, expectedName, actualName);
        return differences;
    }

    private static void Compare(string path, JsonNode? expected, JsonNode? actual, List<string> differences, string expectedName, string actualName)
    {
        switch (expected, actual)
        {
            case (JsonObject expectedObject, JsonObject actualObject):
                foreach (var (name, value) in expectedObject)
                {
                    if (actualObject.TryGetPropertyValue(name, out var other))
                    {
                        Compare(Member(path, name), value, other, differences, expectedName, actualName);
                    }
                    else
                    {
                        differences.Add($"{Member(path, name)}: only in {expectedName}: {Show(value)}");
                    }
                }

                foreach (var (name, value) in actualObject.Where(member => !expectedObject.ContainsKey(member.Key)))
                {
                    differences.Add($"{Member(path, name)}: only in {actualName}: {Show(value)}");
                }

                break;
            case (JsonArray expectedArray, JsonArray actualArray):
                for (var i = 0; i < Math.Max(expectedArray.Count, actualArray.Count); i++)
                {
                    if (i >= actualArray.Count)
                    {
                        differences.Add($"{path}[{i}]: only in {expectedName}: {Show(expectedArray[i])}");
                    }
                    else if (i >= expectedArray.Count)
                    {
                        differences.Add($"{path}[{i}]: only in {actualName}: {Show(actualArray[i])}");
                    }
                    else
                    {
                        Compare($"{path}[{i}]", expectedArray[i], actualArray[i], differences, expectedName, actualName);
                    }
                }

                break;
            default:
                if (!JsonNode.DeepEquals(expected, actual))
                {
                    differences.Add($"{path}: {Show(expected)} in {expectedName}, {Show(actual)} in {actualName}");
                }

                break;
        }
    }

    private static string Member(string path, string name) => PlainName().IsMatch(name) ? $"{path}.{name}" : $"{path}['{name}']";

    private static string Show(JsonNode? value)
    {
        var json = value?.ToJsonString() ?? "null";
        return json.Length <= LongestValueShown ? json : json[..LongestValueShown] + "…";
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex PlainName();
}
