namespace LocalSidecar.Components;

/// <summary>A <c>dapr.io/v1alpha1 Component</c> as written in YAML, before it is initialised.</summary>
public sealed record ComponentSpec(
    string Name,
    string Type,
    string Version,
    IReadOnlyList<MetadataItem> Metadata,
    IReadOnlyList<string> Scopes,
    string? AuthSecretStore,
    bool IgnoreErrors,
    string SourceFile)
{
    /// <summary>The building block, the part of <see cref="Type"/> before the first dot (state, pubsub, secretstores).</summary>
    public string BuildingBlock => Type.Split('.', 2)[0];

    public bool IsScopedTo(string appId) => Scopes.Count == 0 || Scopes.Contains(appId, StringComparer.Ordinal);
}

/// <summary>One <c>spec.metadata</c> entry: a literal value, a secret reference or an environment reference.</summary>
public sealed record MetadataItem(string Name, string? Value, SecretKeyRef? SecretKeyRef, string? EnvRef);

public sealed record SecretKeyRef(string Name, string Key);
