namespace LocalSidecar.Invocation;

/// <summary>Header names that service invocation reads or adds.</summary>
public static class InvocationHeaders
{
    /// <summary>Addresses the target app on any non-Dapr path (the fallback route); removed before forwarding.</summary>
    public const string AppId = "dapr-app-id";

    public const string CallerAppId = "dapr-caller-app-id";

    public const string CalleeAppId = "dapr-callee-app-id";

    public const string TraceParent = "traceparent";

    /// <summary>Set by a target sidecar on its internal-port answer when the failure is its own (no app channel, app
    /// unhealthy or unreachable) rather than the app's response; the body is the failure detail.</summary>
    public const string TargetSidecarFailure = "x-sidecart-invoke-failure";
}
