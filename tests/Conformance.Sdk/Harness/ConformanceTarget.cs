namespace Conformance.Sdk.Harness;

/// <summary>
/// Which sidecar the suite runs against. By default each app under test gets an in-process local sidecar on free
/// ports. With <c>DAPR_CONFORMANCE_ENDPOINT</c> set (the HTTP endpoint of a sidecar started elsewhere, such as a real
/// daprd given this project's <c>resources/</c>), that sidecar is used instead, and the app under test listens on
/// <c>DAPR_CONFORMANCE_APP_PORT</c>, the port that sidecar was told the app is on (<c>--app-port</c>).
/// </summary>
public static class ConformanceTarget
{
    public const string EndpointVariable = "DAPR_CONFORMANCE_ENDPOINT";

    public const string AppPortVariable = "DAPR_CONFORMANCE_APP_PORT";

    /// <summary>The external sidecar's gRPC endpoint, for the tests driven by Dapr.Client.</summary>
    public const string GrpcEndpointVariable = "DAPR_CONFORMANCE_GRPC_ENDPOINT";

    public static Uri? ExternalEndpoint =>
        Environment.GetEnvironmentVariable(EndpointVariable) is { Length: > 0 } endpoint ? new Uri(endpoint) : null;

    public static bool IsExternal => ExternalEndpoint is not null;

    public static Uri ExternalGrpcEndpoint =>
        Environment.GetEnvironmentVariable(GrpcEndpointVariable) is { Length: > 0 } endpoint
            ? new Uri(endpoint)
            : throw new InvalidOperationException($"{EndpointVariable} is set, so {GrpcEndpointVariable} must name that sidecar's gRPC endpoint");

    /// <summary>The port an external sidecar calls the app on; required with <see cref="EndpointVariable"/>.</summary>
    public static int ExternalAppPort =>
        int.TryParse(Environment.GetEnvironmentVariable(AppPortVariable), out var port) && port > 0
            ? port
            : throw new InvalidOperationException($"{EndpointVariable} is set, so {AppPortVariable} must name the port that sidecar calls the app on (its --app-port)");

    /// <summary>Skips a test that needs to look inside or control the in-process local sidecar.</summary>
    public static void RequireInProcess(string why)
    {
        if (IsExternal)
        {
            Assert.Skip($"runs only against the in-process local sidecar ({EndpointVariable} is set): {why}");
        }
    }
}
