namespace Sidecar.Bench;

/// <summary>What the system of an order run sends where.</summary>
public enum OrderTelemetry
{
    /// <summary>No dashboard; no sidecar makes a span and no app exports anything.</summary>
    None,

    /// <summary>The Aspire dashboard runs, as under <c>make run</c>, and every app exports its logs and metrics to it; no
    /// sidecar samples (<c>samplingRate: "0"</c>) and no app samples (<c>OTEL_TRACES_SAMPLER=always_off</c>).</summary>
    DashboardUntraced,

    /// <summary>The Aspire dashboard runs and every sidecar and app samples every request and exports it there, with
    /// the apps' logs and metrics.</summary>
    DashboardTraced,
}
