using System.Globalization;
using Microsoft.Extensions.Logging;

namespace LocalSidecar.Hosting;

/// <summary>Turns daprd-style flags and the usual environment variables into <see cref="SidecarOptions"/>.
/// Flags win over environment variables, as with daprd.</summary>
public static class SidecarCommandLine
{
    public const string Usage = """
        usage: LocalSidecar [flags]                 run one sidecar
               LocalSidecar run -f dapr.yaml [...]  run a Multi-App Run file (see 'run --help')
               LocalSidecar publish [...]           publish an event through a running app's sidecar (see 'publish --help')

        flags (as daprd's):
          --app-id <id>                   app id (env APP_ID); required
          --app-port <port>               the app's HTTP port (env APP_PORT); omit for a sidecar without an app
          --app-protocol http             only http is supported
          --app-channel-address <host>    default 127.0.0.1
          --dapr-http-port <port>         Dapr HTTP API port (env DAPR_HTTP_PORT), default 3500; 0 picks a free port
          --dapr-grpc-port <port>         Dapr gRPC API port (env DAPR_GRPC_PORT), default 50001; 0 picks a free port
          --dapr-internal-grpc-port <p>   sidecar-to-sidecar port, default: a free port
          --resources-path <dir>          component/subscription/resiliency YAML; repeatable
          --config <file>                 Dapr Configuration file
          --log-level <level>             debug | info | warn | error (default info)
          --max-body-size <size>          largest request body / gRPC message, e.g. 4Mi (the default), 16Mi, 1048576
          --log-as-json                   JSON log lines (the local sidecar always writes JSON)
          --enable-api-logging[=bool]     one log line per API call (default: the Configuration's spec.logging.apiLogging)
          --enable-metrics[=bool]         serve Prometheus metrics, default true
          --metrics-port <port>           default 9090; 0 picks a free port
          --enable-app-health-check       probe the app before and while delivering work
          --app-health-check-path <p>     default /healthz
          --app-health-probe-interval <s> seconds, default 5
          --app-health-probe-timeout <ms> milliseconds, default 500
          --app-health-threshold <n>      default 3
          --enable-mtls                   mTLS on the sidecar-to-sidecar hop; needs DAPR_TRUST_ANCHORS (root PEM)
          --issuer-credentials <dir>      Sentry's ca.crt, issuer.crt, issuer.key: the local sidecar signs its own
                                          workload certificate with them (it has no Sentry to ask)
        environment: DAPR_API_TOKEN (required on API calls when set), APP_API_TOKEN (sent to the app),
                     DAPR_TRUST_ANCHORS and NAMESPACE (mTLS)
        test-only fault switches (off by default): SIDECART_FAULT_DUPLICATE_DELIVERY=1 delivers every pub/sub
          message twice; SIDECART_FAULT_STATE_WRITE_FAILURES=<share, e.g. 0.05> fails that share of state writes
        """;

    public static SidecarOptions Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument '{arg}'\n{Usage}");
            }

            var (name, inline) = arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 0 ? (arg[2..eq], arg[(eq + 1)..]) : (arg[2..], null);
            if (name is "enable-app-health-check" or "enable-mtls" or "log-as-json" or "enable-api-logging" or "enable-metrics")
            {
                // Go bool flags: --flag, or --flag=false.
                (values.TryGetValue(name, out var given) ? given : values[name] = []).Add(inline ?? "true");
                if (inline is null or "true" or "True" or "TRUE" or "1")
                {
                    flags.Add(name);
                }
                else if (inline is not ("false" or "False" or "FALSE" or "0"))
                {
                    throw new ArgumentException($"--{name}={inline} is not true or false");
                }
                else
                {
                    flags.Remove(name);
                }

                continue;
            }

            var value = inline ?? (i + 1 < args.Count ? args[++i] : throw new ArgumentException($"flag --{name} needs a value"));
            if (!Known.Contains(name))
            {
                throw new ArgumentException($"unknown flag --{name}\n{Usage}");
            }

            (values.TryGetValue(name, out var list) ? list : values[name] = []).Add(value);
        }

        string? Get(string name) => values.TryGetValue(name, out var list) ? list[^1] : null;

        var appId = Get("app-id") ?? environment("APP_ID");
        if (string.IsNullOrWhiteSpace(appId))
        {
            throw new ArgumentException($"--app-id is required\n{Usage}");
        }

        var protocol = Get("app-protocol") ?? "http";
        if (protocol != "http")
        {
            throw new ArgumentException($"--app-protocol {protocol} is not supported by the local sidecar (only http)");
        }

        var resources = values.TryGetValue("resources-path", out var r) ? r : values.TryGetValue("components-path", out var c) ? c : [];
        return new SidecarOptions
        {
            AppId = appId,
            AppPort = Port(Get("app-port") ?? environment("APP_PORT"), "app-port"),
            AppProtocol = protocol,
            AppChannelAddress = Get("app-channel-address") ?? "127.0.0.1",
            DaprHttpPort = Port(Get("dapr-http-port") ?? environment("DAPR_HTTP_PORT"), "dapr-http-port") ?? 3500,
            DaprGrpcPort = Port(Get("dapr-grpc-port") ?? environment("DAPR_GRPC_PORT"), "dapr-grpc-port") ?? 50001,
            DaprInternalPort = Port(Get("dapr-internal-grpc-port"), "dapr-internal-grpc-port") ?? 0,
            ResourcesPaths = resources,
            ConfigPath = Get("config"),
            LogLevel = Level(Get("log-level") ?? "info"),
            ApiToken = NullIfEmpty(environment("DAPR_API_TOKEN")),
            AppApiToken = NullIfEmpty(environment("APP_API_TOKEN")),
            EnableAppHealthCheck = flags.Contains("enable-app-health-check"),
            AppHealthCheckPath = Get("app-health-check-path") ?? "/healthz",
            AppHealthProbeInterval = TimeSpan.FromSeconds(Number(Get("app-health-probe-interval"), "app-health-probe-interval") ?? 5),
            AppHealthProbeTimeout = TimeSpan.FromMilliseconds(Number(Get("app-health-probe-timeout"), "app-health-probe-timeout") ?? 500),
            AppHealthThreshold = Number(Get("app-health-threshold"), "app-health-threshold") ?? 3,
            Mtls = Security.MtlsCommandLine.Options(flags.Contains("enable-mtls"), Get("issuer-credentials"), environment),
            Faults = FaultSwitches.FromEnvironment(environment),
            MaxBodySize = Get("max-body-size") is { } size
                ? ByteQuantity.TryParse(size, out var bytes) ? bytes : throw new ArgumentException($"--max-body-size '{size}' is not a size such as 4Mi, 16Mi or a number of bytes")
                : 4 * 1024 * 1024,
            LogAsJson = flags.Contains("log-as-json"),
            EnableApiLogging = values.ContainsKey("enable-api-logging") ? flags.Contains("enable-api-logging") : null,
            MetricsPort = values.ContainsKey("enable-metrics") && !flags.Contains("enable-metrics") ? null : Port(Get("metrics-port"), "metrics-port") ?? 9090,
        };
    }

    private static readonly HashSet<string> Known =
    [
        "app-id", "app-port", "app-protocol", "app-channel-address", "dapr-http-port", "dapr-grpc-port", "dapr-internal-grpc-port",
        "resources-path", "components-path", "config", "log-level", "app-health-check-path",
        "app-health-probe-interval", "app-health-probe-timeout", "app-health-threshold", "metrics-port",
        "issuer-credentials",
        "max-body-size",
    ];

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static int? Port(string? value, string flag) =>
        Number(value, flag) is { } port && (port < 0 || port > 65535) ? throw new ArgumentException($"--{flag} {port} is not a port") : Number(value, flag);

    private static int? Number(string? value, string flag) =>
        value is null ? null
        : int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
        : throw new ArgumentException($"--{flag} '{value}' is not a number");

    private static LogLevel Level(string value) => value.ToLowerInvariant() switch
    {
        "debug" => LogLevel.Debug,
        "info" => LogLevel.Information,
        "warn" or "warning" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "fatal" => LogLevel.Critical,
        _ => throw new ArgumentException($"--log-level '{value}' is not one of debug, info, warn, error, fatal"),
    };
}
