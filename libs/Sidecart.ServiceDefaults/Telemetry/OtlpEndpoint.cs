using Microsoft.Extensions.Configuration;
using OpenTelemetry.Exporter;

namespace Sidecart.ServiceDefaults.Telemetry;

/// <summary>
/// Applies <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>/<c>_PROTOCOL</c> from the app's configuration (environment, appsettings,
/// command line), not only from process environment variables, which is all the exporter reads on its own.
/// </summary>
internal sealed class OtlpEndpoint(IConfiguration configuration)
{
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ProtocolVariable = "OTEL_EXPORTER_OTLP_PROTOCOL";

    public string? Endpoint { get; } = configuration[EndpointVariable];

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Endpoint);

    public void Apply(OtlpExporterOptions options, string httpSignalPath)
    {
        var isHttp = string.Equals(configuration[ProtocolVariable], "http/protobuf", StringComparison.OrdinalIgnoreCase);
        options.Protocol = isHttp ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        // Per the OTLP spec, a base endpoint given for HTTP gets the per-signal path appended.
        options.Endpoint = new Uri(isHttp ? $"{Endpoint!.TrimEnd('/')}/{httpSignalPath}" : Endpoint!);
    }
}
