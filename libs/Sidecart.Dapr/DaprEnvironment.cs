namespace Sidecart.Dapr;

/// <summary>Names of the environment variables that <c>dapr run</c>, Kubernetes and the local sidecar runner set.</summary>
public static class DaprEnvironment
{
    public const string HttpEndpoint = "DAPR_HTTP_ENDPOINT";
    public const string HttpPort = "DAPR_HTTP_PORT";
    public const string ApiToken = "DAPR_API_TOKEN";
    public const string AppApiToken = "APP_API_TOKEN";
    public const string HealthTimeout = "DAPR_HEALTH_TIMEOUT";
    public const string AppId = "APP_ID";
}
