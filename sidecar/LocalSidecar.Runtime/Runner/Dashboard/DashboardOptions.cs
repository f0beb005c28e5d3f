using System.Reflection;
using System.Security.Cryptography;

namespace LocalSidecar.Runner.Dashboard;

/// <summary>Where the Aspire dashboard listens when the runner starts it: its UI and its OTLP intake (gRPC, and HTTP
/// for <c>http/protobuf</c> exporters). The defaults are the ports <c>config/*.yaml</c> and OTLP exporters expect.</summary>
public sealed record DashboardOptions
{
    public const int DefaultUiPort = 18888;
    public const int DefaultOtlpGrpcPort = 4317;
    public const int DefaultOtlpHttpPort = 4318;

    public int UiPort { get; init; } = DefaultUiPort;

    public int OtlpGrpcPort { get; init; } = DefaultOtlpGrpcPort;

    public int OtlpHttpPort { get; init; } = DefaultOtlpHttpPort;

    /// <summary>The dashboard's executable; by default the one of the restored <c>Aspire.Dashboard.Sdk</c> package.</summary>
    public string? ExecutablePath { get; init; } = PackagedExecutable;

    /// <summary>The browser token of this run: the login URL the runner prints carries it.</summary>
    public string BrowserToken { get; init; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public Uri UiUrl => new($"http://localhost:{UiPort}");

    public Uri LoginUrl => new(UiUrl, $"/login?t={BrowserToken}");

    /// <summary>The OTLP endpoint the apps export to (gRPC).</summary>
    public Uri OtlpGrpcUrl => new($"http://localhost:{OtlpGrpcPort}");

    public Uri OtlpHttpUrl => new($"http://localhost:{OtlpHttpPort}");

    /// <summary>Set at build time from the package's <c>AspireDashboardPath</c>.</summary>
    public static string? PackagedExecutable =>
        typeof(DashboardOptions).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "AspireDashboardPath")?.Value is { Length: > 0 } path ? path : null;
}
