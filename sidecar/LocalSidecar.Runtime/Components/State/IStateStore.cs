namespace LocalSidecar.Components.State;

/// <summary>The state building block. Keys reaching a store are already prefixed (see <see cref="StateKeys"/>);
/// ETag and concurrency failures are <see cref="ETagMismatchException"/> or <see cref="InvalidETagException"/>.</summary>
public interface IStateStore : IComponent
{
    /// <summary>What the component's metadata says about how the API uses the store (key prefix, actor store).</summary>
    StateStoreSettings Settings { get; }

    /// <summary>The stored item, or null when the key does not exist or has expired.</summary>
    Task<StateItem?> GetAsync(string key, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken);

    Task SetAsync(StateUpsert upsert, CancellationToken cancellationToken);

    /// <summary>Deleting a key that does not exist succeeds unless an ETag was given.</summary>
    Task DeleteAsync(StateDelete delete, CancellationToken cancellationToken);
}
