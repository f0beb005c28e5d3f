namespace Sidecart.ServiceDefaults.Telemetry;

/// <summary>
/// Sources and meters exported besides those the ASP.NET Core and HttpClient instrumentations register themselves
/// (listed again here, which is harmless, so the set does not depend on an instrumentation package's version).
/// </summary>
internal static class TelemetrySources
{
    public static readonly string[] ActivitySources =
    [
        "Microsoft.AspNetCore",
        "System.Net.Http",
        "Sidecart.*",
        // Dapr.Workflow's span around each activity's code, the parent of what the activity calls: without it those
        // calls would hang under a span nobody exports.
        "Dapr.Workflow",
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
