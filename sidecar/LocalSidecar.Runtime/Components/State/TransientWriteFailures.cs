using Microsoft.Extensions.Logging;

namespace LocalSidecar.Components.State;

/// <summary>The state-write fault switch (<see cref="Hosting.FaultSwitches"/>): a share of writes (set, delete,
/// transaction) fails before reaching the store with <see cref="TransientStoreException"/>, which the API reports as
/// it reports any store failure (daprd's 500 <c>ERR_STATE_SAVE</c> / <c>ERR_STATE_DELETE</c> /
/// <c>ERR_STATE_TRANSACTION</c>, gRPC Internal). Nothing is written by a failed call; reads are untouched.</summary>
public sealed class TransientWriteFailures(ITransactionalStateStore inner, string name, double rate, ILogger logger)
    : ITransactionalStateStore, IKeyListingStateStore
{
    public StateStoreSettings Settings => inner.Settings;

    public IReadOnlyList<string> Capabilities => inner.Capabilities;

    /// <summary>Wraps every state store of <paramref name="registry"/> that can take the decorator's place.</summary>
    public static void Apply(ComponentRegistry registry, double rate, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (rate <= 0)
        {
            return;
        }

        registry.Replace<ITransactionalStateStore>((name, store) => store is IKeyListingStateStore
            ? new TransientWriteFailures(store, name, rate, logger)
            : store);
        logger.LogWarning("Fault switch on: {Rate:P0} of state writes fail with a transient error", rate);
    }

    public Task InitAsync(ComponentContext context, CancellationToken cancellationToken) => inner.InitAsync(context, cancellationToken);

    public Task<StateItem?> GetAsync(string key, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        inner.GetAsync(key, metadata, cancellationToken);

    public Task<IReadOnlyList<string>> KeysWithPrefixAsync(string prefix, CancellationToken cancellationToken) =>
        ((IKeyListingStateStore)inner).KeysWithPrefixAsync(prefix, cancellationToken);

    public Task SetAsync(StateUpsert upsert, CancellationToken cancellationToken)
    {
        MaybeFail("save");
        return inner.SetAsync(upsert, cancellationToken);
    }

    public Task DeleteAsync(StateDelete delete, CancellationToken cancellationToken)
    {
        MaybeFail("delete");
        return inner.DeleteAsync(delete, cancellationToken);
    }

    public Task TransactAsync(IReadOnlyList<StateWrite> operations, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        MaybeFail("transaction");
        return inner.TransactAsync(operations, metadata, cancellationToken);
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private void MaybeFail(string operation)
    {
        if (Random.Shared.NextDouble() < rate)
        {
            logger.LogInformation("fault injected: state {Operation} on {Store} failed", operation, name);
            throw new TransientStoreException($"connection to the store lost (fault injected into {operation})");
        }
    }
}

/// <summary>A store failure that may succeed when tried again (a dropped connection, a timeout).</summary>
public sealed class TransientStoreException(string message) : Exception(message);
