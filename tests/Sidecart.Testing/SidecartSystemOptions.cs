namespace Sidecart.Testing;

/// <summary>How <see cref="SidecartSystem"/> runs the system.</summary>
public sealed record SidecartSystemOptions
{
    /// <summary>The build output the apps run from: <c>bin/&lt;Configuration&gt;/net10.0</c>.</summary>
    public string Configuration { get; init; } = "Debug";

    /// <summary>Environment variables per app id, added to (or replacing) the ones the system needs to run on free
    /// ports, e.g. <c>OrderWorkflow__RetryInterval</c> for ordering.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Env { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>();

    /// <summary>Apps of the system the caller starts, kills and starts again itself (<see cref="SidecartSystem.StartApp"/>):
    /// the runner gives each only its sidecar, and the system is ready without them.</summary>
    public IReadOnlySet<string> RunByCaller { get; init; } = new HashSet<string>();

    /// <summary>Apps the caller runs itself: each gets a sidecar in the run.</summary>
    public IReadOnlyList<ExtraApp> ExtraApps { get; init; } = [];

    /// <summary>Every app and its sidecar get a fresh <c>DAPR_API_TOKEN</c> and <c>APP_API_TOKEN</c> of their own, through the
    /// app's <c>env</c> in the run file (which the runner, like the dapr CLI, gives to the sidecar as well as the app).</summary>
    public bool ApiTokens { get; init; }

    /// <summary>The folder under the temp path the run's folder goes in.</summary>
    public string TempFolder { get; init; } = "sidecart-system";

    /// <summary>Keep the run's folder (runner log, state database) after disposal.</summary>
    public bool KeepFiles { get; init; }

    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The component profile: null runs on <c>components/local</c> (SQLite, in-memory pub/sub); a server runs on
    /// <c>components/redis</c> pointed at it.</summary>
    public RedisServer? Redis { get; init; }

    /// <summary>Metadata values replaced in the profile's <c>pubsub</c> component (e.g. Redis's <c>processingTimeout</c>).</summary>
    public IReadOnlyDictionary<string, string> PubSubMetadata { get; init; } = new Dictionary<string, string>();

    /// <summary>Environment variables of every sidecar (not of the apps), e.g. the fault switches of
    /// <c>LocalSidecar.Hosting.FaultSwitches</c>.</summary>
    public IReadOnlyDictionary<string, string> SidecarEnv { get; init; } = new Dictionary<string, string>();

    /// <summary>Runs the runner (every sidecar) as a process of its own, <c>LocalSidecar run</c>, which
    /// <see cref="SidecartSystem.KillRunnerAsync"/> can kill -9 and <see cref="SidecartSystem.StartRunnerAsync"/> start again.</summary>
    public bool RunnerProcess { get; init; }
    /// <summary>Runs the Aspire dashboard beside the system, as <c>make run</c> does, on free ports: the apps export to it,
    /// the sidecars too (their Configurations are copied with its OTLP port), and the runner serves it the resource service.</summary>
    public bool Dashboard { get; init; }

    /// <summary>An OTLP/gRPC collector (<c>host:port</c>, plain text) the test started: every sidecar's Configuration is
    /// copied to export there, and every app gets it as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> with short export delays.</summary>
    public string? OtlpEndpoint { get; init; }

    /// <summary>Replaces the <c>samplingRate</c> of every sidecar's Configuration (<c>"0"</c>: no span at all).</summary>
    public string? SamplingRate { get; init; }
}
