namespace LocalSidecar.Api.Universal;

/// <summary>One item of a save or delete, or the <c>request</c> of a transaction operation, as the app sent it (key not
/// yet prefixed, options not yet validated). <see cref="Value"/> holds the value's bytes; <see cref="Concurrency"/> and
/// <see cref="Consistency"/> are daprd's option strings (<c>first-write</c>, <c>strong</c>...), empty when unset.</summary>
public sealed record StateItemRequest(string Key, byte[] Value, string? ETag, IReadOnlyDictionary<string, string> Metadata, string? Concurrency, string? Consistency)
{
    /// <summary>The value is raw bytes (gRPC) rather than JSON (HTTP); see <see cref="Components.State.StateUpsert.IsBinary"/>.</summary>
    public bool IsBinary { get; init; }
}

public sealed record StateOperationRequest(string Operation, StateItemRequest Request);

/// <summary>One key of a bulk get: its value and ETag, or the error the store gave for it.</summary>
public sealed record BulkStateResult(string Key, Components.State.StateItem? Item, string? Error);
