namespace Sidecart.Dapr;

public enum StateConcurrency
{
    /// <summary>The write fails when the key changed (ETag mismatch) or, without an ETag, when it already exists.</summary>
    FirstWrite,
    LastWrite,
}
