namespace Sidecart.Dapr;

/// <summary>A state value with the ETag needed for an optimistic-concurrency write back.</summary>
/// <param name="Value">default when the key does not exist (the sidecar answered 204).</param>
/// <param name="ETag">null when the key does not exist or the store has no ETags.</param>
/// <param name="Metadata">response metadata (the <c>metadata.*</c> headers), e.g. <c>ttlExpireTime</c>.</param>
public sealed record StateEntry<T>(string Key, T? Value, string? ETag, IReadOnlyDictionary<string, string> Metadata)
{
    public bool Exists => ETag is not null || Value is not null;
}
