using System.Globalization;
using LocalSidecar.Components.Configuration;

namespace LocalSidecar.Diagnostics;

/// <summary>What daprd makes of <c>spec.tracing</c> and the <c>OTEL_EXPORTER_OTLP_*</c> fallback: whether spans are
/// made at all, at which rate, and where they go.</summary>
public sealed record TracingSettings(TracingMode Mode, double SamplingRate, OtelSpec? Otel, string ZipkinEndpoint)
{
    /// <summary>daprd's rate when <c>samplingRate</c> is empty or not a number.</summary>
    public const double DefaultSamplingRate = 0.0001;

    public static TracingSettings From(TracingSpec? spec, Func<string, string?> environment)
    {
        var otel = spec?.Otel;
        var samplingRate = spec?.SamplingRate ?? "";
        // The environment is read only when the Configuration names no OTLP endpoint, as daprd reads it.
        if (otel is not { EndpointAddress.Length: > 0 }
            && (Env(environment, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") ?? Env(environment, "OTEL_EXPORTER_OTLP_ENDPOINT")) is { } endpoint)
        {
            var protocol = Env(environment, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") ?? Env(environment, "OTEL_EXPORTER_OTLP_PROTOCOL") ?? "grpc";
            var insecure = string.Equals(Env(environment, "OTEL_EXPORTER_OTLP_INSECURE"), "true", StringComparison.OrdinalIgnoreCase);
            var headers = (Env(environment, "OTEL_EXPORTER_OTLP_TRACES_HEADERS") ?? Env(environment, "OTEL_EXPORTER_OTLP_HEADERS") ?? "")
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(h => h.IndexOf('=') > 0)
                .Select(h => new KeyValuePair<string, string>(h[..h.IndexOf('=')], h[(h.IndexOf('=') + 1)..]))
                .ToList();
            var timeout = Env(environment, "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT") ?? Env(environment, "OTEL_EXPORTER_OTLP_TIMEOUT");
            otel = new OtelSpec(
                StripScheme(endpoint),
                protocol.StartsWith("http", StringComparison.OrdinalIgnoreCase) ? "http" : "grpc",
                !insecure,
                headers,
                int.TryParse(timeout, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) ? TimeSpan.FromMilliseconds(ms) : null);
            if (samplingRate.Length == 0)
            {
                samplingRate = "1";
            }
        }

        if (spec is null && otel is null)
        {
            return new TracingSettings(TracingMode.PassThrough, 0, null, "");
        }

        var rate = double.TryParse(samplingRate, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : DefaultSamplingRate;
        // daprd creates the OTLP exporter only when both the endpoint and the protocol are set.
        var exporter = otel is { EndpointAddress.Length: > 0, Protocol.Length: > 0 } ? otel : null;
        return new TracingSettings(rate <= 0 ? TracingMode.Off : TracingMode.On, Math.Min(rate, 1), exporter, spec?.ZipkinEndpoint ?? "");
    }

    private static string? Env(Func<string, string?> environment, string name) => environment(name) is { Length: > 0 } value ? value : null;

    private static string StripScheme(string endpoint) =>
        endpoint.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? endpoint["https://".Length..]
        : endpoint.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? endpoint["http://".Length..]
        : endpoint;
}

public enum TracingMode
{
    /// <summary>No tracing configured: no span is recorded; each hop still gets a span id of the caller's trace.</summary>
    PassThrough,

    /// <summary><c>samplingRate: "0"</c>: tracing is off; the caller's <c>traceparent</c> travels unchanged.</summary>
    Off,

    /// <summary>Spans are made (and exported when an exporter is configured).</summary>
    On,
}
