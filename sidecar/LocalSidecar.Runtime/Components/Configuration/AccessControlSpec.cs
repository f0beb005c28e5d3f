using YamlDotNet.RepresentationModel;

namespace LocalSidecar.Components.Configuration;

/// <summary><c>spec.accessControl</c> of a Configuration as written (daprd's <c>AccessControlSpec</c>): what the
/// callee's sidecar applies to invocations from other sidecars. <see cref="Policies"/> is null when the key is absent,
/// which daprd treats differently from an empty list.</summary>
public sealed record AccessControlSpec(string DefaultAction, string TrustDomain, IReadOnlyList<AppPolicySpec>? Policies)
{
    public static AccessControlSpec None { get; } = new("", "", null);

    internal static AccessControlSpec Parse(YamlNodes? spec)
    {
        if (spec?.Mapping("accessControl") is not { } section)
        {
            return None;
        }

        IReadOnlyList<AppPolicySpec>? policies = section.Raw("policies") is null or YamlScalarNode
            ? null
            : section.MappingSequence("policies").Select(p => new AppPolicySpec(
                p.String("appId") ?? "",
                p.String("namespace") ?? "",
                p.String("trustDomain") ?? "",
                p.String("defaultAction") ?? "",
                p.MappingSequence("operations").Select(o => new AppOperationSpec(
                    o.String("name") ?? "",
                    o.StringSequence("httpVerb"),
                    o.String("action") ?? "")).ToList())).ToList();
        return new AccessControlSpec(section.String("defaultAction") ?? "", section.String("trustDomain") ?? "", policies);
    }
}

/// <summary>One caller's policy: who (<see cref="AppId"/> in <see cref="Namespace"/> of <see cref="TrustDomain"/>) and
/// what it may call.</summary>
public sealed record AppPolicySpec(string AppId, string Namespace, string TrustDomain, string DefaultAction, IReadOnlyList<AppOperationSpec> Operations);

/// <summary>An operation rule: a method path with <c>*</c>/<c>**</c> wildcards, the HTTP verbs it applies to, its action.</summary>
public sealed record AppOperationSpec(string Name, IReadOnlyList<string> HttpVerbs, string Action);
