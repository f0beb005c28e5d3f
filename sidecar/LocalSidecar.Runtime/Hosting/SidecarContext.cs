using LocalSidecar.Components;
using LocalSidecar.Invocation;
using LocalSidecar.Resiliency;
using Microsoft.Extensions.Logging;

namespace LocalSidecar.Hosting;

/// <summary>The state one running sidecar's building blocks share: its options, loaded resources and components,
/// the channel to its app and its logger. Registered as a singleton in the sidecar's service provider.</summary>
public sealed class SidecarContext(
    SidecarOptions options,
    ResourceSet resources,
    ConfigurationSpec configuration,
    ComponentRegistry components,
    ResiliencyPolicies resiliency,
    AppChannel? appChannel,
    ILoggerFactory loggerFactory)
{
    public SidecarOptions Options { get; } = options;

    public string AppId => Options.AppId;

    public ResourceSet Resources { get; } = resources;

    /// <summary>The <c>--config</c> Configuration (secret scopes, features); the default when none is given.</summary>
    public ConfigurationSpec Configuration { get; } = configuration;

    public ComponentRegistry Components { get; } = components;

    public ResiliencyPolicies Resiliency { get; } = resiliency;

    /// <summary>Null for a sidecar that has no app port.</summary>
    public AppChannel? AppChannel { get; } = appChannel;

    public ILoggerFactory LoggerFactory { get; } = loggerFactory;

    /// <summary>This sidecar's workload certificate when sidecar-to-sidecar mTLS is on; null otherwise.</summary>
    public Security.WorkloadIdentity? Identity { get; init; }

    /// <summary>Free-form attributes set through <c>PUT /v1.0/metadata/{key}</c>.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, string> ExtendedMetadata { get; } = new(StringComparer.Ordinal);

    /// <summary>Its spans, metrics and API logging (Diagnostics/).</summary>
    public Diagnostics.SidecarTelemetry Telemetry { get; init; } = null!;

    /// <summary>Cancelled when the sidecar begins to shut down (Ctrl-C, SIGTERM or <c>POST /v1.0/shutdown</c>).</summary>
    public CancellationToken Stopping { get; internal set; }

    /// <summary>The sidecar's actual ports once listening (a configured 0 becomes a real port).</summary>
    public int HttpPort { get; internal set; }

    public int GrpcPort { get; internal set; }

    public int InternalPort { get; internal set; }
}
