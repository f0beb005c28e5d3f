namespace LocalSidecar.Messaging.Cel;

/// <summary>A routing expression that cannot be compiled (unsupported syntax) or evaluated (no such key,
/// a type mismatch, a non-bool result).</summary>
public sealed class CelException(string message) : Exception(message);
