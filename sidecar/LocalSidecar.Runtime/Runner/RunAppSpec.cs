using Microsoft.Extensions.Logging;

namespace LocalSidecar.Runner;

/// <summary>One app of a Multi-App Run file with <c>common</c> merged in and every path made absolute.</summary>
public sealed record RunAppSpec
{
    public required string AppId { get; init; }

    /// <summary>Absolute; the working directory of both the app and its sidecar.</summary>
    public required string AppDirPath { get; init; }

    /// <summary>Null when the app listens on no port (its sidecar then has no app channel).</summary>
    public int? AppPort { get; init; }

    /// <summary>Null lets the runner pick a free port.</summary>
    public int? DaprHttpPort { get; init; }

    public int? DaprGrpcPort { get; init; }

    /// <summary><c>metricsPort</c>; null gives the sidecar a free port, as <c>dapr run</c> does.</summary>
    public int? MetricsPort { get; init; }

    public string AppProtocol { get; init; } = "http";

    public string AppChannelAddress { get; init; } = "127.0.0.1";

    /// <summary>Program and arguments; empty runs only the sidecar.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary><c>common.env</c> overridden by the app's <c>env</c>.</summary>
    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    /// <summary>Absolute; chosen by precedence: the app's paths, <c>&lt;appDirPath&gt;/.dapr/resources</c>,
    /// <c>common</c>'s paths, <c>~/.dapr/components</c>.</summary>
    public IReadOnlyList<string> ResourcesPaths { get; init; } = [];

    /// <summary>Absolute; chosen by the same precedence as resources (<c>.dapr/config.yaml</c>, <c>~/.dapr/config.yaml</c>).</summary>
    public string? ConfigFilePath { get; init; }

    public bool EnableAppHealthCheck { get; init; }

    public string AppHealthCheckPath { get; init; } = "/healthz";

    public TimeSpan AppHealthProbeInterval { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan AppHealthProbeTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    public int AppHealthThreshold { get; init; } = 3;

    public LogLevel LogLevel { get; init; } = LogLevel.Information;
}
