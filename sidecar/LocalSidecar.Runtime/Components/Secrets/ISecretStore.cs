namespace LocalSidecar.Components.Secrets;

/// <summary>The secrets building block. A missing secret is a <see cref="SecretNotFoundException"/>, except in stores
/// (such as <c>secretstores.local.env</c>) that answer with an empty value, as daprd's do.</summary>
public interface ISecretStore : IComponent
{
    Task<IReadOnlyDictionary<string, string>> GetAsync(string name, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> BulkGetAsync(IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken);
}

public sealed class SecretNotFoundException(string name) : Exception($"secret {name} not found")
{
    public string SecretName { get; } = name;
}
