namespace LocalSidecar.Components.State;

/// <summary>Dapr's <c>concurrency</c> option: what a write without an ETag does when the key already exists.</summary>
public enum StateConcurrency
{
    /// <summary><c>last-write</c> (the default): the write overwrites.</summary>
    LastWrite,

    /// <summary><c>first-write</c>: the write fails with an ETag mismatch.</summary>
    FirstWrite,
}
