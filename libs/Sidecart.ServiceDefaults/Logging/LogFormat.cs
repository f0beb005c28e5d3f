using Microsoft.Extensions.Configuration;

namespace Sidecart.ServiceDefaults.Logging;

/// <summary>
/// How log lines look on stdout: plain text for a person (the default, as <c>dapr run</c> prints daprd's logs), or one
/// JSON object per line for machines, as daprd's <c>--log-as-json</c>. Switched by configuration key
/// <c>Logging:Json</c> (<c>Logging__Json=true</c> in the environment, <c>--Logging:Json=true</c> on the command line).
/// </summary>
public static class LogFormat
{
    public const string JsonSwitch = "Logging:Json";

    public static bool IsJson(IConfiguration configuration) =>
        configuration[JsonSwitch]?.Trim() is { } value
        && (bool.TryParse(value, out var json) ? json : value == "1");
}
