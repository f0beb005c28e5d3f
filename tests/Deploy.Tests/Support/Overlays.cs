namespace Deploy.Tests.Support;

/// <summary>The kustomize overlays of deploy/kubernetes, rendered once per test run by <c>kubectl kustomize</c>.</summary>
public static class Overlays
{
    public const string Folder = "deploy/kubernetes/overlays";

    private static readonly Dictionary<string, Lazy<string>> Rendered = Names().ToDictionary(
        name => name, name => new Lazy<string>(() => Tools.Kustomize($"{Folder}/{name}")), StringComparer.Ordinal);

    /// <summary>Every folder under deploy/kubernetes/overlays with a kustomization.yaml.</summary>
    public static IReadOnlyList<string> Names() =>
        Repo.Files.Where(f => f.StartsWith(Folder + "/", StringComparison.Ordinal) && f.EndsWith("/kustomization.yaml", StringComparison.Ordinal))
            .Select(f => f[(Folder.Length + 1)..^"/kustomization.yaml".Length]).Order(StringComparer.Ordinal).ToList();

    public static TheoryData<string> All => new(Names());

    /// <summary>The overlay rendered (skips without kubectl, or fails under CI=true).</summary>
    public static string Yaml(string name)
    {
        Tools.RequireKubectl();
        return Rendered[name].Value;
    }

    public static IReadOnlyList<Dictionary<string, object?>> Objects(string name) => Support.Yaml.Documents(Yaml(name), $"kubectl kustomize {Folder}/{name}");

    public static IEnumerable<Dictionary<string, object?>> OfKind(this IEnumerable<Dictionary<string, object?>> objects, string kind) =>
        objects.Where(o => Support.Yaml.Str(o, "kind") == kind);

    public static Dictionary<string, object?>? Named(this IEnumerable<Dictionary<string, object?>> objects, string kind, string name) =>
        objects.OfKind(kind).FirstOrDefault(o => Support.Yaml.Str(o, "metadata", "name") == name);
}
