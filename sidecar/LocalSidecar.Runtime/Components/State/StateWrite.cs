namespace LocalSidecar.Components.State;

/// <summary>One write to a store (a save or a delete), with the optimistic-concurrency rule it must pass against the
/// key's current ETag. Stores call <see cref="EnsureApplicableTo"/> so that every store enforces the same rule.</summary>
public abstract record StateWrite(string Key, string? ETag, IReadOnlyDictionary<string, string> Metadata, StateConcurrency Concurrency)
{
    /// <summary>The request named its concurrency (<c>last-write</c> or <c>first-write</c>) rather than leaving it unset.
    /// daprd passes the option through as given, and its Redis store ignores an ETag only under an explicit last-write.</summary>
    public bool ConcurrencyRequested { get; init; }

    /// <summary>The request asked for <c>strong</c> consistency. Local stores are strongly consistent anyway; daprd's Redis
    /// store then waits for the server's replicas to acknowledge a save.</summary>
    public bool StrongConsistency { get; init; }

    /// <summary>An empty ETag means "no ETag", as in daprd.</summary>
    public bool HasETag => !string.IsNullOrEmpty(ETag);

    /// <summary>Whether <see cref="EnsureApplicableTo"/> can fail at all: a last-write save or a delete without an ETag
    /// applies whatever is stored, so a store need not read the current ETag for it.</summary>
    public bool NeedsCurrentETag => HasETag || Concurrency == StateConcurrency.FirstWrite && this is StateUpsert;

    /// <summary>Throws <see cref="ETagMismatchException"/> when the write may not be applied to a key whose current
    /// ETag is <paramref name="currentETag"/> (null when the key does not exist or has expired).</summary>
    public abstract void EnsureApplicableTo(string? currentETag);

    protected void EnsureETagMatches(string? currentETag)
    {
        if (HasETag && !string.Equals(currentETag, ETag, StringComparison.Ordinal))
        {
            throw new ETagMismatchException(Key);
        }
    }
}

/// <summary>Saves <see cref="Value"/> (the JSON bytes) under a key. With an ETag it succeeds only if the key exists
/// with that ETag; without one, <see cref="StateConcurrency.FirstWrite"/> succeeds only if the key does not exist.</summary>
public sealed record StateUpsert(string Key, byte[] Value, string? ETag, IReadOnlyDictionary<string, string> Metadata, StateConcurrency Concurrency)
    : StateWrite(Key, ETag, Metadata, Concurrency)
{
    /// <summary>Raw bytes (a gRPC value) rather than a JSON value (an HTTP value, or one marked
    /// <c>contentType: application/json</c>). Stores that keep the two apart, as daprd's do, store them differently.</summary>
    public bool IsBinary { get; init; }

    public override void EnsureApplicableTo(string? currentETag)
    {
        EnsureETagMatches(currentETag);
        if (!HasETag && Concurrency == StateConcurrency.FirstWrite && currentETag is not null)
        {
            throw new ETagMismatchException(Key);
        }
    }
}

/// <summary>Deletes a key. With an ETag it succeeds only if the key exists with that ETag.</summary>
public sealed record StateDelete(string Key, string? ETag, IReadOnlyDictionary<string, string> Metadata, StateConcurrency Concurrency)
    : StateWrite(Key, ETag, Metadata, Concurrency)
{
    public override void EnsureApplicableTo(string? currentETag) => EnsureETagMatches(currentETag);
}
