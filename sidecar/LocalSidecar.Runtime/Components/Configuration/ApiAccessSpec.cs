namespace LocalSidecar.Components.Configuration;

/// <summary>The Configuration's <c>spec.api</c>: which Dapr APIs the app may call, per protocol
/// (https://docs.dapr.io/operations/configuration/api-allowlist/). With neither list every API is open.</summary>
public sealed record ApiAccessSpec(IReadOnlyList<ApiAccessRule> Allowed, IReadOnlyList<ApiAccessRule> Denied)
{
    public static ApiAccessSpec AllowAll { get; } = new([], []);

    /// <summary>Reads <c>spec.api</c> (null when the Configuration has none).</summary>
    internal static ApiAccessSpec Read(YamlNodes? api) =>
        api is null ? AllowAll : new(Rules(api, "allowed"), Rules(api, "denied"));

    private static List<ApiAccessRule> Rules(YamlNodes api, string list) =>
        api.MappingSequence(list).Select(r => new ApiAccessRule(r.RequiredString("name"), r.String("version") ?? "", r.String("protocol") ?? "")).ToList();
}

/// <summary>One entry of <c>spec.api.allowed</c> or <c>spec.api.denied</c>: an API group (<c>state</c>, <c>invoke</c>,
/// <c>publish</c>...), its version (<c>v1</c>, <c>v1alpha1</c>; HTTP rules also take the URL form <c>v1.0</c>) and
/// the protocol it applies to (<c>http</c> or <c>grpc</c>).</summary>
public sealed record ApiAccessRule(string Name, string Version, string Protocol);
