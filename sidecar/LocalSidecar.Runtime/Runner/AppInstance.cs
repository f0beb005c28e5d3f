using System.Globalization;
using LocalSidecar.Hosting;
using LocalSidecar.Logging;
using Microsoft.Extensions.Logging;

namespace LocalSidecar.Runner;

/// <summary>One running replica of a run-file app: its in-process sidecar and, when the app has a command, its
/// child process, both working in the app folder. Replica 1 uses the ports of the run file; further replicas get
/// free ports.</summary>
public sealed class AppInstance
{
    private readonly ILoggerFactory _sidecarLogs;
    private readonly RunnerOutput _output;
    private volatile bool _stopping;
    private Security.RunApiTokens _tokens = new("", "");

    private const string DaprApiTokenVariable = "DAPR_API_TOKEN";
    private const string AppApiTokenVariable = "APP_API_TOKEN";
    private int _restarting;

    private AppInstance(string name, RunAppSpec app, int? appPort, Sidecar sidecar, ILoggerFactory sidecarLogs, RunnerOutput output)
    {
        Name = name;
        App = app;
        AppPort = appPort;
        Sidecar = sidecar;
        _sidecarLogs = sidecarLogs;
        _output = output;
    }

    /// <summary>The app id, with <c>#n</c> when the app is replicated (<c>orders#2</c>).</summary>
    public string Name { get; }

    public RunAppSpec App { get; }

    public int? AppPort { get; }

    public Sidecar Sidecar { get; }

    /// <summary>Null for an app without a command (only its sidecar runs).</summary>
    public AppProcess? Process { get; private set; }

    /// <summary>Variables the runner adds for the app's telemetry (where the Aspire dashboard listens); the run file's
    /// <c>env</c> overrides them.</summary>
    public IReadOnlyDictionary<string, string> TelemetryEnvironment { get; private init; } = new Dictionary<string, string>();

    /// <summary>What the runner set in the app's environment on top of its own (secrets included: never display it
    /// unmasked).</summary>
    public IReadOnlyDictionary<string, string?> ProcessEnvironment { get; private set; } = new Dictionary<string, string?>();

    public DateTimeOffset CreatedAt { get; } = DateTimeOffset.UtcNow;

    public DateTimeOffset? ProcessStartedAt { get; private set; }

    public DateTimeOffset? ProcessExitedAt { get; private set; }

    /// <summary>How many times the app was restarted on request (<see cref="RestartAsync"/>).</summary>
    public int Restarts { get; private set; }

    public bool IsRestarting => Volatile.Read(ref _restarting) == 1;

    public static async Task<AppInstance> StartAsync(RunAppSpec app, int replica, bool replicated, RunnerOptions options, RunnerOutput output, CancellationToken cancellationToken)
    {
        var name = replicated ? $"{app.AppId}#{replica}" : app.AppId;
        var appPort = replica == 1 ? app.AppPort : app.AppPort is null ? null : FreePort.Next();
        string? Variable(string key) => app.Env.TryGetValue(key, out var value) ? value : options.ProcessEnvironment(key);
        var generated = options.GenerateApiTokens ? Security.RunApiTokens.Generate() : null;
        // A token the app's env or the runner's environment gives wins over a generated one.
        var tokens = new Security.RunApiTokens(
            NullIfEmpty(Variable(DaprApiTokenVariable)) ?? generated?.DaprApiToken ?? "",
            NullIfEmpty(Variable(AppApiTokenVariable)) ?? generated?.AppApiToken ?? "");

        var sidecarLogs = SidecarLogging.CreateLoggerFactory(app.AppId, app.LogLevel, json: false, new PrefixedLineWriter(output, RunnerOutput.SidecarPrefix(name)));
        Sidecar sidecar;
        try
        {
            sidecar = await Sidecar.StartAsync(new SidecarOptions
            {
                AppId = app.AppId,
                AppPort = appPort,
                AppProtocol = app.AppProtocol,
                AppChannelAddress = app.AppChannelAddress,
                DaprHttpPort = replica == 1 ? app.DaprHttpPort ?? 0 : 0,
                DaprGrpcPort = replica == 1 ? app.DaprGrpcPort ?? 0 : 0,
                DaprInternalPort = 0,
                MetricsPort = replica == 1 ? app.MetricsPort ?? 0 : 0,
                ResourcesPaths = options.ResourcesPathsOverride.Count > 0 ? options.ResourcesPathsOverride : app.ResourcesPaths,
                ConfigPath = app.ConfigFilePath,
                WorkingDirectory = app.AppDirPath,
                ApiToken = NullIfEmpty(tokens.DaprApiToken),
                AppApiToken = NullIfEmpty(tokens.AppApiToken),
                Faults = FaultSwitches.FromEnvironment(Variable),
                EnableAppHealthCheck = app.EnableAppHealthCheck,
                AppHealthCheckPath = app.AppHealthCheckPath,
                AppHealthProbeInterval = app.AppHealthProbeInterval,
                AppHealthProbeTimeout = app.AppHealthProbeTimeout,
                AppHealthThreshold = app.AppHealthThreshold,
                LogLevel = app.LogLevel,
                Environment = options.Environment,
                LoggerFactory = sidecarLogs,
                Mtls = RunSentry.For(app, options, Variable),
            }, cancellationToken);
        }
        catch
        {
            sidecarLogs.Dispose();
            throw;
        }

        var instance = new AppInstance(name, app, appPort, sidecar, sidecarLogs, output)
        {
            _tokens = tokens,
            TelemetryEnvironment = Dashboard.DashboardTelemetry.AppVariables(options.Dashboard, app.AppId, name),
        };
        if (app.Command.Count > 0)
        {
            try
            {
                instance.StartProcess();
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                await instance.StopAsync(options.StopGracePeriod);
                throw new InvalidOperationException($"app {name}: cannot start '{string.Join(' ', app.Command)}' in {app.AppDirPath}: {e.Message}", e);
            }
        }

        return instance;
    }

    /// <summary>Completes once the app is reachable through its sidecar, or when its process has exited.</summary>
    public Task WhenReadyOrExitedAsync(CancellationToken cancellationToken)
    {
        var ready = Sidecar.Context.AppChannel?.WaitHealthyAsync(cancellationToken) ?? Task.CompletedTask;
        return Process is null ? ready : Task.WhenAny(ready, Process.Exited);
    }

    /// <summary>One line for the start-up summary.</summary>
    public string Describe()
    {
        var app = Process is null ? "no command"
            : Process.Exited.IsCompleted ? $"pid {Process.Id} exited with code {Process.Exited.Result}"
            : $"pid {Process.Id}";
        var port = AppPort is { } p ? $" on {App.AppChannelAddress}:{p.ToString(CultureInfo.InvariantCulture)}" : " (no app port)";
        var state = Sidecar.Context.AppChannel switch
        {
            null => "sidecar only",
            { IsHealthy: true } => "ready",
            _ => "app not reachable yet",
        };
        return $"{Name}: app {app}{port}; Dapr HTTP API on {Sidecar.HttpEndpoint}, gRPC API on port {Sidecar.GrpcPort} (sidecar-to-sidecar port {Sidecar.InternalPort}){(Sidecar.MetricsPort is { } metrics ? $", metrics on port {metrics}" : "")}; {state}";
    }

    /// <summary>Stops the app's process as <see cref="StopAsync"/> does and starts it again with the same command and
    /// environment; its sidecar keeps running. False when the app has no command, is being stopped or is already
    /// restarting.</summary>
    public async Task<bool> RestartAsync(TimeSpan grace)
    {
        if (Process is null || _stopping || Interlocked.CompareExchange(ref _restarting, 1, 0) != 0)
        {
            return false;
        }

        try
        {
            _output.Runner($"restarting app {Name} (pid {Process.Id})");
            await Process.StopAsync(grace);
            if (_stopping)
            {
                return false;
            }

            Restarts++;
            StartProcess();
            return true;
        }
        finally
        {
            Volatile.Write(ref _restarting, 0);
        }
    }

    public async Task StopAsync(TimeSpan grace)
    {
        _stopping = true;
        if (Process is not null)
        {
            await Process.StopAsync(grace);
        }

        await Sidecar.DisposeAsync();
        _sidecarLogs.Dispose();
    }

    private void StartProcess()
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["APP_ID"] = App.AppId,
            ["APP_PORT"] = AppPort?.ToString(CultureInfo.InvariantCulture),
            ["DAPR_HTTP_PORT"] = Sidecar.HttpPort.ToString(CultureInfo.InvariantCulture),
            ["DAPR_GRPC_PORT"] = Sidecar.GrpcPort.ToString(CultureInfo.InvariantCulture),
            ["APP_CHANNEL_ADDRESS"] = App.AppChannelAddress,
            ["APP_PROTOCOL"] = App.AppProtocol,
        };
        foreach (var (key, value) in TelemetryEnvironment)
        {
            environment[key] = value;
        }

        if (_tokens.DaprApiToken.Length > 0)
        {
            environment[DaprApiTokenVariable] = _tokens.DaprApiToken;
        }

        if (_tokens.AppApiToken.Length > 0)
        {
            environment[AppApiTokenVariable] = _tokens.AppApiToken;
        }

        foreach (var (key, value) in App.Env)
        {
            environment[key] = value;
        }

        var prefix = RunnerOutput.AppPrefix(Name);
        ProcessEnvironment = environment;
        ProcessExitedAt = null;
        Process = AppProcess.Start(App.Command, App.AppDirPath, environment, line => _output.Line(prefix, line));
        ProcessStartedAt = DateTimeOffset.UtcNow;
        _output.Runner($"started app {Name}: '{string.Join(' ', App.Command)}' (pid {Process.Id}) in {App.AppDirPath}");
        var process = Process;
        _ = process.Exited.ContinueWith(exited =>
        {
            if (ReferenceEquals(Process, process))
            {
                ProcessExitedAt = DateTimeOffset.UtcNow;
            }

            if (!_stopping && !IsRestarting)
            {
                _output.Runner($"app {Name} (pid {process.Id}) exited with code {exited.Result}; the other apps keep running");
            }
        }, TaskScheduler.Default);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
