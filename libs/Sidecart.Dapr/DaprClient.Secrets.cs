using Sidecart.Dapr.Serialization;

namespace Sidecart.Dapr;

// Secrets: GET /v1.0/secrets/{store}/{name} and /bulk (https://docs.dapr.io/reference/api/secrets_api/).
public sealed partial class DaprClient
{
    /// <summary>
    /// Gets one secret as its key/value map: <c>{name: value}</c> for name/value stores, the secret's own keys for
    /// multi-value stores. Empty when the store returns nothing (204).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> GetSecretAsync(
        string storeName,
        string name,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(HttpMethod.Get, $"v1.0/secrets/{Escape(storeName)}/{Escape(name)}", metadata);
        using var response = await SendCheckedAsync(request, cancellationToken);
        return await ReadJsonAsync(response, DaprWireJsonContext.Default.DictionaryStringString, cancellationToken) ?? [];
    }

    /// <summary>Gets every secret the app may read, keyed by secret name; secrets denied by scope are silently absent.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> GetBulkSecretAsync(
        string storeName,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(HttpMethod.Get, $"v1.0/secrets/{Escape(storeName)}/bulk", metadata);
        using var response = await SendCheckedAsync(request, cancellationToken);
        var secrets = await ReadJsonAsync(response, DaprWireJsonContext.Default.DictionaryStringDictionaryStringString, cancellationToken) ?? [];
        return secrets.ToDictionary(s => s.Key, s => (IReadOnlyDictionary<string, string>)s.Value);
    }
}
