using System.Globalization;

namespace Sidecart.Dapr;

/// <summary>Where the sidecar is and how to authenticate to it; defaults follow the Dapr SDK conventions.</summary>
public sealed class DaprClientOptions
{
    public const int DefaultHttpPort = 3500;

    public Uri HttpEndpoint { get; set; } = new($"http://127.0.0.1:{DefaultHttpPort}");

    /// <summary>Sent as <c>dapr-api-token</c> on every call when the sidecar enforces <c>DAPR_API_TOKEN</c>.</summary>
    public string? ApiToken { get; set; }

    /// <summary>How long <see cref="DaprClient.WaitForSidecarAsync"/> waits for the sidecar to become ready.</summary>
    public TimeSpan SidecarHealthTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan SidecarHealthPollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Applies <c>DAPR_HTTP_ENDPOINT</c> (else <c>http://127.0.0.1:$DAPR_HTTP_PORT</c>), <c>DAPR_API_TOKEN</c>
    /// and <c>DAPR_HEALTH_TIMEOUT</c> (seconds) read through <paramref name="variable"/>.
    /// </summary>
    public DaprClientOptions ApplyEnvironment(Func<string, string?> variable)
    {
        var endpoint = variable(DaprEnvironment.HttpEndpoint);
        var port = variable(DaprEnvironment.HttpPort);
        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            HttpEndpoint = new Uri(endpoint, UriKind.Absolute);
        }
        else if (!string.IsNullOrWhiteSpace(port))
        {
            HttpEndpoint = new Uri($"http://127.0.0.1:{int.Parse(port, CultureInfo.InvariantCulture)}");
        }

        var token = variable(DaprEnvironment.ApiToken);
        if (!string.IsNullOrEmpty(token))
        {
            ApiToken = token;
        }

        var healthTimeout = variable(DaprEnvironment.HealthTimeout);
        if (!string.IsNullOrWhiteSpace(healthTimeout))
        {
            SidecarHealthTimeout = TimeSpan.FromSeconds(double.Parse(healthTimeout, CultureInfo.InvariantCulture));
        }

        return this;
    }

    public static DaprClientOptions FromEnvironment() => new DaprClientOptions().ApplyEnvironment(Environment.GetEnvironmentVariable);
}
