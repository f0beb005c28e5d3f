namespace LocalSidecar.Components.State;

/// <summary>A save without an ETag refused because the key exists and first-write applies, by a store that reports it
/// as a plain failure rather than an ETag mismatch (daprd's <c>state.redis</c>: 500 <c>ERR_STATE_SAVE</c>, not 409).
/// Callers that retry conflicts treat it as one.</summary>
public sealed class FirstWriteConflictException(string message, Exception? inner = null) : Exception(message, inner);
