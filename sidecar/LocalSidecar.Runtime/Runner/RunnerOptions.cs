using LocalSidecar.Hosting;

namespace LocalSidecar.Runner;

/// <summary>How <see cref="MultiAppRunner"/> runs a run file: command-line overrides and the process-level pieces
/// (environment, console) that tests replace.</summary>
public sealed record RunnerOptions
{
    /// <summary>When not empty, replaces the resources paths of every app (<c>--resources-path</c>).</summary>
    public IReadOnlyList<string> ResourcesPathsOverride { get; init; } = [];

    /// <summary>Instances per app id (<c>--replicas orders=2</c>); apps not listed run once.</summary>
    public IReadOnlyDictionary<string, int> Replicas { get; init; } = new Dictionary<string, int>();

    /// <summary>Shared by every sidecar of the run, so they resolve each other and share in-memory brokers.</summary>
    public SidecarEnvironment Environment { get; init; } = SidecarEnvironment.Process;

    public TextWriter Output { get; init; } = Console.Out;

    /// <summary>The runner's own environment, inherited by the apps; <c>DAPR_API_TOKEN</c> and <c>APP_API_TOKEN</c>
    /// are read from it (unless an app's <c>env</c> sets them).</summary>
    public Func<string, string?> ProcessEnvironment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>Gives every app and its sidecar a fresh <c>DAPR_API_TOKEN</c> and <c>APP_API_TOKEN</c> for this run
    /// (<c>--generate-api-tokens</c>), unless the app's <c>env</c> sets them.</summary>
    public bool GenerateApiTokens { get; init; }

    /// <summary>How long to wait for the apps to become reachable before printing the summary anyway.</summary>
    public TimeSpan AppStartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Sentry's issuer credentials folder (ca.crt, issuer.crt, issuer.key) for the run's mTLS
    /// (<c>--issuer-credentials</c>); null creates a new certificate authority per run.</summary>
    public string? IssuerCredentials { get; init; }

    /// <summary>The run's certificate authority, set by the runner when an app turns mTLS on (<see cref="RunSentry"/>).</summary>
    public Security.WorkloadCertificateAuthority? Sentry { get; init; }

    /// <summary>Between SIGTERM and kill when stopping an app.</summary>
    public TimeSpan StopGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>When set, the runner starts the Aspire dashboard (<c>--dashboard</c>), serves it the resource service
    /// and points every app's telemetry at it.</summary>
    public Dashboard.DashboardOptions? Dashboard { get; init; }

    /// <summary>When set, the runner serves the dashboard's resource service (<c>aspire.v1.DashboardService</c>);
    /// <see cref="Dashboard"/> implies it, on a free port.</summary>
    public Dashboard.ResourceServiceOptions? ResourceService { get; init; }
}
