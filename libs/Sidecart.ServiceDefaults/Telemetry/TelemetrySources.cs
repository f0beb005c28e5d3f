namespace Sidecart.ServiceDefaults.Telemetry;

/// <summary>
/// ASP.NET Core and HttpClient publish their spans and metrics natively; subscribing by name replaces the
/// OpenTelemetry instrumentation packages.
/// </summary>
internal static class TelemetrySources
{
    public static readonly string[] ActivitySources =
    [
        "Microsoft.AspNetCore",
        "System.Net.Http",
        "Sidecart.*",
    ];

    public static readonly string[] Meters =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.AspNetCore.RateLimiting",
        "System.Net.Http",
        "System.Net.NameResolution",
        "System.Runtime",
        "Sidecart.*",
    ];
}
