namespace LocalSidecar.Invocation;

/// <summary>An invocation that could not reach the target app (no instance, connection refused, app channel missing or
/// unhealthy). The caller answers it with 500 <c>ERR_DIRECT_INVOKE</c>; the message is the <c>err:</c> detail.</summary>
public sealed class InvocationFailedException(string detail) : Exception(detail);
