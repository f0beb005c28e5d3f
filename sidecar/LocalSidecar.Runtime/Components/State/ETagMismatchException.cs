namespace LocalSidecar.Components.State;

/// <summary>A write's ETag (or first-write concurrency) does not match the key's current state: 409 on save and
/// delete, 500 <c>ERR_STATE_TRANSACTION</c> inside a transaction.</summary>
public sealed class ETagMismatchException(string key) : Exception($"possible etag mismatch. error from state store: etag mismatch for key {key}")
{
    public string Key { get; } = key;
}
