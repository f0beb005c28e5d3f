using LocalSidecar.Security;
using Microsoft.Extensions.Logging;

namespace LocalSidecar.Hosting;

/// <summary>How one sidecar runs. Property names follow daprd's flags (<c>--app-id</c>, <c>--app-port</c>...).</summary>
public sealed record SidecarOptions
{
    public required string AppId { get; init; }

    /// <summary>The app's port; null for a sidecar without an app (a client-only sidecar).</summary>
    public int? AppPort { get; init; }

    public string AppProtocol { get; init; } = "http";

    public string AppChannelAddress { get; init; } = "127.0.0.1";

    /// <summary>Dapr HTTP API port; 0 picks a free one (see <see cref="Sidecar.HttpPort"/>).</summary>
    public int DaprHttpPort { get; init; } = 3500;

    /// <summary>Dapr gRPC API port (h2c); 0 picks a free one (see <see cref="Sidecar.GrpcPort"/>). The command line
    /// defaults it to daprd's 50001; hosts in a process (tests, the runner) get a free one unless they say.</summary>
    public int DaprGrpcPort { get; init; }

    /// <summary>Sidecar-to-sidecar port (daprd's internal gRPC port); 0 picks a free one.</summary>
    public int DaprInternalPort { get; init; }

    public IReadOnlyList<string> ResourcesPaths { get; init; } = [];

    public string? ConfigPath { get; init; }

    /// <summary>Relative component paths (such as a secrets file) resolve against this, as daprd resolves them
    /// against its working directory.</summary>
    public string WorkingDirectory { get; init; } = Directory.GetCurrentDirectory();

    /// <summary>How long a worker may take to answer a workflow turn before the turn goes to another worker (a worker
    /// that never answers must not hold its instances for ever). Activities have no such limit: they may run long.</summary>
    public TimeSpan WorkflowTurnTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>When set, every API call must carry <c>dapr-api-token</c> (DAPR_API_TOKEN).</summary>
    public string? ApiToken { get; init; }

    /// <summary>When set, sent to the app as <c>dapr-api-token</c> on every call (APP_API_TOKEN).</summary>
    public string? AppApiToken { get; init; }

    /// <summary>daprd's <c>--max-body-size</c> (default 4Mi): the largest request body of the HTTP API and message of
    /// the gRPC API.</summary>
    public long MaxBodySize { get; init; } = 4 * 1024 * 1024;

    public bool EnableAppHealthCheck { get; init; }

    public string AppHealthCheckPath { get; init; } = "/healthz";

    public TimeSpan AppHealthProbeInterval { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan AppHealthProbeTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    public int AppHealthThreshold { get; init; } = 3;

    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    public TimeSpan GracefulShutdown { get; init; } = TimeSpan.FromSeconds(5);

    public SidecarEnvironment Environment { get; init; } = SidecarEnvironment.Process;

    /// <summary>Sidecar-to-sidecar mTLS (daprd's <c>--enable-mtls</c>); null keeps the hop plain, daprd's default.</summary>
    public MtlsOptions? Mtls { get; init; }
    /// <summary>Faults injected on purpose, for chaos tests; none by default.</summary>
    public FaultSwitches Faults { get; init; } = FaultSwitches.None;
    /// <summary><c>--enable-api-logging</c>: null leaves it to the Configuration's <c>spec.logging.apiLogging.enabled</c>.</summary>
    public bool? EnableApiLogging { get; init; }

    /// <summary><c>--log-as-json</c>: one JSON object per line instead of daprd's text lines.</summary>
    public bool LogAsJson { get; init; }

    /// <summary>The Prometheus port (<c>--metrics-port</c>); null serves no metrics (<c>--enable-metrics=false</c>),
    /// 0 picks a free port (see <see cref="Sidecar.MetricsPort"/>).</summary>
    public int? MetricsPort { get; init; }

    /// <summary>Where the sidecar reads <c>OTEL_*</c> and <c>NAMESPACE</c>: the process environment unless a host running
    /// several sidecars gives each its own.</summary>
    public Func<string, string?> TelemetryEnvironment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>Logger provider for the sidecar; null writes structured JSON to stdout.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
