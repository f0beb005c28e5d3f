using LocalSidecar.Components.Secrets;
using LocalSidecar.Hosting;

namespace LocalSidecar.Api.Universal;

/// <summary>The secrets API's semantics for both front ends (https://docs.dapr.io/reference/api/secrets_api/),
/// including the Configuration's secret scopes: a denied key is refused on get and silently left out of bulk get.</summary>
public sealed class SecretOperations(SidecarContext context)
{
    public async Task<IReadOnlyDictionary<string, string>> GetAsync(string store, string key, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var secretStore = Find(store);
        if (!context.Configuration.AllowsSecret(store, key))
        {
            throw DaprErrors.SecretPermissionDenied(key, store).ToException();
        }

        try
        {
            return await secretStore.GetAsync(key, metadata, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw DaprErrors.SecretGet(key, store, e.Message).ToException();
        }
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> BulkGetAsync(string store, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var secretStore = Find(store);
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> all;
        try
        {
            all = await secretStore.BulkGetAsync(metadata, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw DaprErrors.BulkSecretGet(store, e.Message).ToException();
        }

        return all.Where(secret => context.Configuration.AllowsSecret(store, secret.Key)).ToDictionary(secret => secret.Key, secret => secret.Value, StringComparer.Ordinal);
    }

    private ISecretStore Find(string store)
    {
        if (context.Components.TryGet<ISecretStore>(store, out var secretStore))
        {
            return secretStore;
        }

        throw (context.Components.OfType<ISecretStore>().Any() ? DaprErrors.SecretStoreNotFound(store) : DaprErrors.SecretStoreNotConfigured()).ToException();
    }
}
