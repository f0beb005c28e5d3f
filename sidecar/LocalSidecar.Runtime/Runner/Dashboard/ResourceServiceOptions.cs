using System.Security.Cryptography;

namespace LocalSidecar.Runner.Dashboard;

/// <summary>Where the runner serves the dashboard's resource service, and the key a client must send in
/// <c>x-resource-service-api-key</c> (the dashboard's <c>ApiKey</c> mode): only the dashboard the runner started may
/// read the console output and restart apps.</summary>
public sealed record ResourceServiceOptions
{
    public const string ApiKeyHeader = "x-resource-service-api-key";

    /// <summary>0 picks a free port.</summary>
    public int Port { get; init; }

    public string ApiKey { get; init; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    /// <summary>Shown by the dashboard as the application's name.</summary>
    public string ApplicationName { get; init; } = "Sidecart";
}
