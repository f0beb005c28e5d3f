using Dapr;
using Dapr.Client;
using Microsoft.Extensions.Options;

namespace Sidecart.Payments.Infrastructure;

/// <summary>The provider's API key, read from the Dapr secret store on first use and kept in memory. It is forgotten
/// when the provider rejects it, so a rotated key is picked up without a restart. The key itself is never logged.</summary>
public sealed class ProviderApiKey(DaprClient dapr, IOptions<ProviderOptions> options, ILogger<ProviderApiKey> logger)
{
    private volatile string? _key;

    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        if (_key is { } cached)
        {
            return cached;
        }

        var (store, name) = (options.Value.SecretStore, options.Value.ApiKeySecretName);
        Dictionary<string, string> secret;
        try
        {
            secret = await dapr.GetSecretAsync(store, name, cancellationToken: cancellationToken);
        }
        catch (DaprException e)
        {
            logger.LogError(e, "Cannot read the payment provider's API key {SecretName} from secret store {SecretStore}", name, store);
            throw PaymentProviderException.CredentialsRejected($"The payment provider's API key could not be read from secret store '{store}'.", e);
        }

        // Name/value stores answer {name: value}; a multi-value store (a Kubernetes secret) may use its own key.
        var key = secret.TryGetValue(name, out var value) ? value : secret.Count == 1 ? secret.Values.Single() : null;
        if (string.IsNullOrEmpty(key))
        {
            logger.LogError("Secret {SecretName} in secret store {SecretStore} holds no API key", name, store);
            throw PaymentProviderException.CredentialsRejected($"Secret '{name}' in secret store '{store}' holds no API key.");
        }

        _key = key;
        return key;
    }

    public void Forget() => _key = null;
}
