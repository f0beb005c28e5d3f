using System.Globalization;

namespace LocalSidecar.Runner.Dashboard;

/// <summary>The OpenTelemetry variables the runner gives each app when the dashboard runs: the OTLP endpoint, the
/// service name and an instance id, so that the dashboard joins the app's telemetry to its resource
/// (<c>&lt;service.name&gt;-&lt;service.instance.id&gt;</c> is the resource's name), and short export intervals for a
/// live view, as an Aspire AppHost sets them.</summary>
public static class DashboardTelemetry
{
    public static IReadOnlyDictionary<string, string> AppVariables(DashboardOptions? dashboard, string appId, string instanceName)
    {
        if (dashboard is null)
        {
            return new Dictionary<string, string>();
        }

        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = dashboard.OtlpGrpcUrl.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
            ["OTEL_SERVICE_NAME"] = appId,
            ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={ResourceNames.AppInstanceId(instanceName)}",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "1000",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "1000",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = 1000.ToString(CultureInfo.InvariantCulture),
        };
    }
}
