namespace LocalSidecar.Invocation;

/// <summary>An invocation that could not reach the target app (no instance, connection refused, app channel missing or
/// unhealthy), or that the target's access control refused (<see cref="PermissionDenied"/>). The caller answers it with
/// <c>ERR_DIRECT_INVOKE</c> (500, or 403 for a refusal); the message is the <c>err:</c> detail.</summary>
public sealed class InvocationFailedException(string detail, bool permissionDenied = false) : Exception(detail)
{
    public bool PermissionDenied { get; } = permissionDenied;
}
