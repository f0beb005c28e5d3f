namespace LocalSidecar.Components;

/// <summary>The parts of a <c>dapr.io/v1alpha1 Configuration</c> (<c>--config</c>) the local sidecar applies.
/// Other sections (tracing, metrics, middleware...) are accepted and ignored.</summary>
public sealed record ConfigurationSpec(string Name, IReadOnlyList<SecretScope> SecretScopes, IReadOnlyDictionary<string, bool> Features)
{
    public static ConfigurationSpec Default { get; } = new("default", [], new Dictionary<string, bool>());

    /// <summary><c>spec.mtls</c> and <c>spec.accessControl</c> (Security/).</summary>
    public Configuration.MtlsSpec Mtls { get; init; } = Configuration.MtlsSpec.Default;

    public Configuration.AccessControlSpec AccessControl { get; init; } = Configuration.AccessControlSpec.None;
    /// <summary><c>spec.api</c>: the Dapr APIs this app may call.</summary>
    public Configuration.ApiAccessSpec Api { get; init; } = Configuration.ApiAccessSpec.AllowAll;
    /// <summary><c>spec.tracing</c>, <c>spec.metrics</c> and <c>spec.logging</c>.</summary>
    public Configuration.ObservabilitySpec Observability { get; init; } = Configuration.ObservabilitySpec.Default;

    public bool IsEnabled(string feature) => Features.TryGetValue(feature, out var enabled) && enabled;

    /// <summary>Dapr's rule: a non-empty allow list admits only its names; otherwise the deny list, then the default access.
    /// A store with no scope entry allows everything.</summary>
    public bool AllowsSecret(string store, string name)
    {
        var scope = SecretScopes.FirstOrDefault(s => s.StoreName == store);
        if (scope is null)
        {
            return true;
        }

        if (scope.AllowedSecrets.Count > 0)
        {
            return scope.AllowedSecrets.Contains(name, StringComparer.Ordinal);
        }

        return !scope.DeniedSecrets.Contains(name, StringComparer.Ordinal) && scope.DefaultAccess != "deny";
    }
}

public sealed record SecretScope(string StoreName, string DefaultAccess, IReadOnlyList<string> AllowedSecrets, IReadOnlyList<string> DeniedSecrets);
