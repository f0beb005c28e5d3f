using System.Globalization;

namespace LocalSidecar.Runner;

/// <summary>The arguments of <c>LocalSidecar run</c>.</summary>
public sealed record RunCommandLine(string RunFilePath, IReadOnlyList<string> ResourcesPaths, IReadOnlyDictionary<string, int> Replicas)
{
    /// <summary><c>--issuer-credentials</c>: Sentry's folder of ca.crt, issuer.crt and issuer.key for the run's mTLS.</summary>
    public string? IssuerCredentials { get; init; }
    /// <summary><c>--generate-api-tokens</c>: a DAPR_API_TOKEN and an APP_API_TOKEN per app for this run.</summary>
    public bool GenerateApiTokens { get; init; }

    /// <summary><c>--dashboard</c>: start the Aspire dashboard and feed it the run's resources.</summary>
    public bool Dashboard { get; init; }

    public const string Usage = """
        usage: LocalSidecar run [-f <dapr.yaml | folder>] [--resources-path <dir>]... [--replicas <appId>=<n>]...
                                   [--issuer-credentials <dir>] [--dashboard]

        Runs a Dapr Multi-App Run file: every app with a local sidecar started in this process. Apps and sidecars
        start in the app's appDirPath; app output lines are prefixed '== APP - <appId> ==', sidecar logs
        '== DAPR - <appId> =='. Ctrl-C or SIGTERM stops every app (SIGTERM, then kill after 5s) and sidecar.

          -f, --file <path>           the run file, or a folder holding dapr.yaml (default: the current folder)
          --resources-path <dir>      replaces the resources paths of every app; repeatable
          --replicas <appId>=<n>      run n instances of an app; replicas 2..n get free app and sidecar ports,
                                      and invocations of the app id are spread round-robin over them; repeatable
          --issuer-credentials <dir>  Sentry's ca.crt, issuer.crt and issuer.key for mTLS (an empty folder gets new
                                      ones, as Sentry writes them on first start); without it a run whose
                                      Configurations set spec.mtls.enabled gets a new certificate authority per run
          --generate-api-tokens       give every app and its sidecar a random DAPR_API_TOKEN and APP_API_TOKEN for
                                      this run (never printed); an app whose env sets them keeps its own
          --dashboard                 start the Aspire dashboard (UI on localhost:18888, OTLP on 4317 gRPC and
                                      4318 HTTP), list every app and sidecar in it and point the apps' telemetry
                                      at it; the runner prints its login link

        Each app gets APP_ID, APP_PORT (when set), DAPR_HTTP_PORT, DAPR_GRPC_PORT, APP_CHANNEL_ADDRESS, APP_PROTOCOL
        and its env; DAPR_API_TOKEN/APP_API_TOKEN pass through. Sidecar ports are free ones unless the run file
        gives daprHTTPPort / daprGRPCPort.
        """;

    public static RunCommandLine Parse(IReadOnlyList<string> args, string currentDirectory)
    {
        string? file = null;
        var resources = new List<string>();
        var replicas = new Dictionary<string, int>(StringComparer.Ordinal);
        string? issuerCredentials = null;
        var generateApiTokens = false;
        var dashboard = false;
        for (var i = 0; i < args.Count; i++)
        {
            var (name, inline) = args[i].IndexOf('=', StringComparison.Ordinal) is var eq and > 0 && args[i].StartsWith("--", StringComparison.Ordinal)
                ? (args[i][..eq], args[i][(eq + 1)..])
                : (args[i], null);
            string Value() => inline ?? (i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value\n{Usage}"));
            switch (name)
            {
                case "-f" or "--file" or "--run-file":
                    file = Value();
                    break;
                case "--resources-path" or "--components-path":
                    resources.Add(Path.GetFullPath(Value(), currentDirectory));
                    break;
                case "--issuer-credentials":
                    issuerCredentials = Path.GetFullPath(Value(), currentDirectory);
                    break;
                case "--generate-api-tokens" when inline is null:
                    generateApiTokens = true;
                    break;
                case "--replicas":
                    var (appId, count) = Replica(Value());
                    replicas[appId] = count;
                    break;
                case "--dashboard" when inline is null:
                    dashboard = true;
                    break;
                default:
                    throw new ArgumentException($"unexpected argument '{args[i]}'\n{Usage}");
            }
        }

        return new RunCommandLine(Path.GetFullPath(file ?? ".", currentDirectory), resources, replicas)
        {
            IssuerCredentials = issuerCredentials,
            GenerateApiTokens = generateApiTokens,
            Dashboard = dashboard,
        };
    }

    private static (string AppId, int Count) Replica(string value)
    {
        var parts = value.Split('=');
        return parts is [{ Length: > 0 } appId, var n] && int.TryParse(n, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) && count >= 1
            ? (appId, count)
            : throw new ArgumentException($"--replicas '{value}' is not <appId>=<count> with a count of at least 1");
    }
}
