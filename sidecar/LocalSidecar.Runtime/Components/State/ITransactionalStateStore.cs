namespace LocalSidecar.Components.State;

/// <summary>A state store that applies a list of upserts and deletes atomically: either every operation
/// (including its ETag check) succeeds, or nothing is changed. The exception is daprd's own: <c>state.redis</c> has no
/// rollback, so there an operation that fails leaves the others applied (<see cref="RedisStateStore"/>).</summary>
public interface ITransactionalStateStore : IStateStore
{
    /// <summary>Operations apply in order, so a later one sees the effect of an earlier one on the same key.</summary>
    Task TransactAsync(IReadOnlyList<StateWrite> operations, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken);
}
