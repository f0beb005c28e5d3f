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

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var ok = false;
        try
        {
            var secret = await secretStore.GetAsync(key, metadata, cancellationToken);
            ok = true;
            return secret;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw DaprErrors.SecretGet(key, store, e.Message).ToException();
        }
        finally
        {
            Record(store, "get", ok, started);
        }
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>> BulkGetAsync(string store, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var secretStore = Find(store);
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> all;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var ok = false;
        try
        {
            all = await secretStore.BulkGetAsync(metadata, cancellationToken);
            ok = true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw DaprErrors.BulkSecretGet(store, e.Message).ToException();
        }
        finally
        {
            Record(store, "bulk_get", ok, started);
        }

        return all.Where(secret => context.Configuration.AllowsSecret(store, secret.Key)).ToDictionary(secret => secret.Key, secret => secret.Value, StringComparer.Ordinal);
    }

    /// <summary>daprd's <c>dapr_component_secret_count</c> and <c>_latencies</c>: one per call that reached the store.</summary>
    private void Record(string store, string operation, bool success, long started) =>
        context.Telemetry.Metrics.Secret(store, operation, success, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);

    private ISecretStore Find(string store)
    {
        if (context.Components.TryGet<ISecretStore>(store, out var secretStore))
        {
            return secretStore;
        }

        throw (context.Components.OfType<ISecretStore>().Any() ? DaprErrors.SecretStoreNotFound(store) : DaprErrors.SecretStoreNotConfigured()).ToException();
    }
}
