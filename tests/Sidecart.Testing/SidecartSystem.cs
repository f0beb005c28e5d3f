using System.Globalization;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LocalSidecar.Hosting;
using LocalSidecar.NameResolution;
using LocalSidecar.Runner;
using LocalSidecar.Runner.Dashboard;

namespace Sidecart.Testing;

/// <summary>The whole system of the repository's <c>dapr.yaml</c>, run in-process by the local runner on free ports,
/// on a copy of <c>components/local</c> whose state store is a temporary database file, with a private
/// name-resolution folder, so a developer's <c>make run</c> is not disturbed. The apps run from their build output
/// (<c>bin/&lt;configuration&gt;/net10.0</c>), which must exist.</summary>
public sealed partial class SidecartSystem : IAsyncDisposable
{
    private const int MaxStartAttempts = 3;

    public static readonly IReadOnlyList<string> AppIds = ["catalog", "ordering", "inventory", "shipping", "payments", "payment-provider"];

    private static readonly Dictionary<string, string> Assemblies = new(StringComparer.Ordinal)
    {
        ["catalog"] = "Catalog.dll",
        ["ordering"] = "Ordering.dll",
        ["inventory"] = "Inventory.dll",
        ["payments"] = "Payments.dll",
        ["payment-provider"] = "PaymentProvider.dll",
    };

    private readonly Dictionary<string, int> _appPorts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _daprPorts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _grpcPorts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Dapr, string App)> _tokens = new(StringComparer.Ordinal);
    private readonly List<SystemAppProcess> _appsStarted = [];
    private readonly bool _keepFiles;
    private SidecartSystemOptions _options = new();
    private MultiAppRunner? _runner;
    private System.Diagnostics.Process? _runnerProcess;
    private string _runFilePath = "";
    private string _resources = "";
    private StreamWriter? _log;
    private TextWriter _output = TextWriter.Null;

    private SidecartSystem(string temp, bool keepFiles)
    {
        Temp = temp;
        _keepFiles = keepFiles;
    }

    /// <summary>The run's folder: run file, components, state database, runner log.</summary>
    public string Temp { get; }

    /// <summary>Everything the runner, the apps and their sidecars wrote.</summary>
    public string LogPath => Path.Combine(Temp, "runner.log");

    /// <summary>The run's private name-resolution folder: a separate process finds these sidecars with
    /// <c>SIDECART_NAME_RESOLUTION_DIR</c> set to it, as <c>LocalSidecar publish</c> does.</summary>
    public string NameResolutionDirectory => Path.Combine(Temp, "names");

    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "dapr.yaml")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("dapr.yaml not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Where an app (or an <see cref="SidecartSystemOptions.ExtraApps">extra app</see>) listens.</summary>
    public Uri AppEndpoint(string appId) => new($"http://127.0.0.1:{_appPorts[appId]}");

    /// <summary>The app's <c>DAPR_API_TOKEN</c>, which its sidecar's API requires, when the system runs with
    /// <see cref="SidecartSystemOptions.ApiTokens"/>.</summary>
    public string? DaprApiToken(string appId) => _tokens.TryGetValue(appId, out var tokens) ? tokens.Dapr : null;

    /// <summary>The app's <c>APP_API_TOKEN</c>, which the app requires of every caller but its health probe.</summary>
    public string? AppApiToken(string appId) => _tokens.TryGetValue(appId, out var tokens) ? tokens.App : null;

    /// <summary>The dashboard of this run (its login link, OTLP ports), when <see cref="SidecartSystemOptions.Dashboard"/> is on.</summary>
    public DashboardOptions? Dashboard { get; private set; }

    /// <summary>The runner's resource service (where, and its key), when the dashboard is on.</summary>
    public RunnerDashboard? RunnerDashboard => _runner?.Dashboard;

    /// <summary>Where an app's sidecar serves Dapr's HTTP API.</summary>
    public Uri DaprEndpoint(string appId) => new($"http://127.0.0.1:{_daprPorts[appId]}");

    /// <summary>Starts every app with its sidecar and returns once catalog has its products, inventory its stock and
    /// every other app answers <c>/healthz</c>.</summary>
    public static async Task<SidecartSystem> StartAsync(SidecartSystemOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        for (var attempt = 1; ; attempt++)
        {
            var system = new SidecartSystem(Path.Combine(Path.GetTempPath(), options.TempFolder, Guid.NewGuid().ToString("N")), options.KeepFiles);
            try
            {
                await system.RunAsync(options, cancellationToken);
                await system.WaitReadyAsync(options.ReadyTimeout, includeCallerApps: false, cancellationToken);
                return system;
            }
            catch (Exception e) when (attempt < MaxStartAttempts && IsPortTaken(e))
            {
                // A free port is only free when it is picked: test assemblies running in parallel may bind it first.
                await system.DisposeAsync();
            }
            catch
            {
                await system.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Kestrel reports a taken port as an IOException wrapping the SocketException.</summary>
    private static bool IsPortTaken(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                return true;
            }
        }

        return false;
    }

    private async Task RunAsync(SidecartSystemOptions options, CancellationToken cancellationToken)
    {
        _options = options;
        var root = RepositoryRoot;
        var resources = _resources = CopyComponents(root, options);
        foreach (var id in AppIds)
        {
            _appPorts[id] = FreePort.Next();
            _daprPorts[id] = FreePort.Next();
            _grpcPorts[id] = FreePort.Next();
        }

        foreach (var app in options.ExtraApps)
        {
            _appPorts[app.AppId] = app.Port;
            _daprPorts[app.AppId] = FreePort.Next();
            _grpcPorts[app.AppId] = FreePort.Next();
        }

        if (options.Dashboard)
        {
            Dashboard = new DashboardOptions { UiPort = FreePort.Next(), OtlpGrpcPort = FreePort.Next(), OtlpHttpPort = FreePort.Next() };
        }

        _runFilePath = Path.Combine(Temp, "dapr.yaml");
        await File.WriteAllTextAsync(_runFilePath, RunFileText(root, resources, options), cancellationToken);

        _log = new StreamWriter(LogPath) { AutoFlush = true };
        _output = TextWriter.Synchronized(_log);
        if (options.RunnerProcess)
        {
            await StartRunnerAsync(cancellationToken);
            return;
        }

        var runnerOptions = new RunnerOptions
        {
            ResourcesPathsOverride = [resources],
            Environment = new SidecarEnvironment(new FileNameResolver(NameResolutionDirectory)),
            Output = _output,
            AppStartTimeout = TimeSpan.FromSeconds(60),
            StopGracePeriod = TimeSpan.FromSeconds(3),
            ProcessEnvironment = name => options.SidecarEnv.TryGetValue(name, out var value) ? value : Environment.GetEnvironmentVariable(name),
            Dashboard = Dashboard,
        };
        _runner = await MultiAppRunner.StartAsync(RunFile.Load(_runFilePath), runnerOptions, cancellationToken);
    }

    /// <summary>Starts the runner process (<see cref="SidecartSystemOptions.RunnerProcess"/>), again after
    /// <see cref="KillRunnerAsync"/>, on the same ports, and returns once every sidecar answers its health endpoint.</summary>
    public async Task StartRunnerAsync(CancellationToken cancellationToken = default)
    {
        if (!_options.RunnerProcess || _runnerProcess is { HasExited: false })
        {
            throw new InvalidOperationException("the system's runner is not a process of its own, or it is running");
        }

        var cli = Path.Combine(RepositoryRoot, "sidecar", "LocalSidecar", "bin", _options.Configuration, "net10.0", "LocalSidecar.dll");
        // Stdin too: the test process's own is xunit's runner's channel to it, which no child may hold.
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { cli, "run", "-f", _runFilePath, "--resources-path", _resources })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["SIDECART_NAME_RESOLUTION_DIR"] = NameResolutionDirectory;
        foreach (var (name, value) in _options.SidecarEnv)
        {
            start.Environment[name] = value;
        }

        _runnerProcess?.Dispose();
        var process = _runnerProcess = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException("the runner did not start");
        process.OutputDataReceived += (_, e) => WriteLog(e.Data);
        process.ErrorDataReceived += (_, e) => WriteLog(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + _options.ReadyTimeout;
        foreach (var id in AppIds)
        {
            while (true)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"the runner exited with code {process.ExitCode}; the end of {LogPath}:{Environment.NewLine}{LogTail(40)}");
                }

                try
                {
                    using var response = await http.GetAsync(new Uri(DaprEndpoint(id), "/v1.0/healthz/outbound"), cancellationToken);
                    if (response.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"the sidecar of {id} did not answer within {_options.ReadyTimeout.TotalSeconds:0}s; the end of {LogPath}:{Environment.NewLine}{LogTail(40)}");
                }

                await Task.Delay(100, cancellationToken);
            }
        }
    }

    /// <summary>kill -9 of the runner process: every sidecar (and every app the runner started) dies at once.</summary>
    public async Task KillRunnerAsync()
    {
        if (_runnerProcess is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private void WriteLog(string? line)
    {
        if (line is not null)
        {
            _output.WriteLine(line);
        }
    }

    /// <summary>config/&lt;app&gt;.yaml, or with the dashboard on (or an OTLP endpoint given), a copy that exports to this
    /// run's dashboard (or that endpoint) instead of the default OTLP port a <c>make run</c> may hold; with a sampling
    /// rate given, a copy that samples at that rate.</summary>
    private string ConfigFile(string root, string appId)
    {
        var config = Path.Combine(root, "config", $"{appId}.yaml");
        var otlp = Dashboard is not null ? $"localhost:{Dashboard.OtlpGrpcPort}" : _options.OtlpEndpoint;
        if (otlp is null && _options.SamplingRate is null)
        {
            return config;
        }

        var text = File.ReadAllText(config);
        if (otlp is not null)
        {
            text = text.Replace($"localhost:{DashboardOptions.DefaultOtlpGrpcPort}", otlp, StringComparison.Ordinal);
        }

        if (_options.SamplingRate is { } rate)
        {
            text = Regex.Replace(text, "samplingRate: \"[^\"]*\"", $"samplingRate: \"{rate}\"");
        }

        var copy = Path.Combine(Temp, "config", $"{appId}.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.WriteAllText(copy, text);
        return copy;
    }

    /// <summary>The profile's components: components/local with the state store moved to a temporary database file, or
    /// components/redis pointed at the options' server; pub/sub metadata replaced as the options say.</summary>
    private string CopyComponents(string root, SidecartSystemOptions options)
    {
        var resources = Path.Combine(Temp, "components");
        Directory.CreateDirectory(resources);
        foreach (var file in Directory.GetFiles(Path.Combine(root, "components", options.Redis is null ? "local" : "redis")))
        {
            var text = File.ReadAllText(file);
            text = options.Redis is { } redis
                ? text.Replace("localhost:6379", redis.Host, StringComparison.Ordinal)
                : ConnectionString().Replace(text, m => m.Groups[1].Value + Path.Combine(Temp, "state.db"));
            if (Path.GetFileName(file) == "pubsub.yaml")
            {
                foreach (var (name, value) in options.PubSubMetadata)
                {
                    var item = new Regex($@"(- name: {Regex.Escape(name)}\s*\n\s*value:\s*)\S+");
                    text = item.IsMatch(text)
                        ? item.Replace(text, m => m.Groups[1].Value + $"\"{value}\"")
                        : text.TrimEnd() + $"\n  - name: {name}\n    value: \"{value}\"\n";
                }
            }

            // A run's extra apps (an observer of the bench, a test's app) join every scoped component: components
            // end with their scopes list.
            if (options.ExtraApps.Count > 0 && text.Contains("\nscopes:\n", StringComparison.Ordinal))
            {
                text = text.TrimEnd() + "\n" + string.Concat(options.ExtraApps.Select(app => $"  - {app.AppId}\n"));
            }

            File.WriteAllText(Path.Combine(resources, Path.GetFileName(file)), text);
        }

        return resources;
    }

    /// <summary>What the system gives an app on top of the runner's variables: its own settings, the API tokens, the
    /// options' <c>Env</c>.</summary>
    private Dictionary<string, Dictionary<string, string>> AppEnvironment(SidecartSystemOptions options)
    {
        var providerUrl = AppEndpoint("payment-provider").ToString().TrimEnd('/');
        var env = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal)
        {
            ["shipping"] = new(StringComparer.Ordinal) { ["PYTHONUNBUFFERED"] = "1" },
            ["payments"] = new(StringComparer.Ordinal) { ["Payments__Provider__BaseUrl"] = providerUrl },
            ["payment-provider"] = new(StringComparer.Ordinal) { ["Urls"] = providerUrl, ["ASPNETCORE_URLS"] = providerUrl },
        };
        if (options.ApiTokens)
        {
            foreach (var id in AppIds)
            {
                _tokens[id] = (Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
                    Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)));
                if (!env.TryGetValue(id, out var appEnv))
                {
                    env[id] = appEnv = new(StringComparer.Ordinal);
                }

                appEnv["DAPR_API_TOKEN"] = _tokens[id].Dapr;
                appEnv["APP_API_TOKEN"] = _tokens[id].App;
            }
        }

        if (options.OtlpEndpoint is { } otlp)
        {
            foreach (var id in AppIds)
            {
                if (!env.TryGetValue(id, out var appEnv))
                {
                    env[id] = appEnv = new(StringComparer.Ordinal);
                }

                appEnv["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://{otlp}";
                appEnv["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc";
                appEnv["OTEL_BSP_SCHEDULE_DELAY"] = "200";
            }
        }

        foreach (var (id, vars) in options.Env)
        {
            if (!env.TryGetValue(id, out var appEnv))
            {
                env[id] = appEnv = new(StringComparer.Ordinal);
            }

            foreach (var (name, value) in vars)
            {
                appEnv[name] = value;
            }
        }

        return env;
    }

    private string RunFileText(string root, string resources, SidecartSystemOptions options)
    {
        var env = AppEnvironment(options);
        var yaml = new StringBuilder();
        yaml.AppendLine("version: 1");
        yaml.AppendLine("common:");
        yaml.AppendLine("  resourcesPaths:");
        yaml.AppendLine(CultureInfo.InvariantCulture, $"    - '{resources}'");
        yaml.AppendLine("  appHealthCheckPath: /healthz");
        yaml.AppendLine("apps:");
        foreach (var id in AppIds)
        {
            yaml.AppendLine(CultureInfo.InvariantCulture, $"  - appID: {id}");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    appDirPath: '{Path.Combine(root, "apps", id)}'");
            // The stand-in provider is not a Dapr app: payments calls it over plain HTTP, so its sidecar has no app channel
            // (and no Configuration). The others run with theirs, config/<app>.yaml, as dapr.yaml names it.
            if (id != "payment-provider")
            {
                yaml.AppendLine(CultureInfo.InvariantCulture, $"    configFilePath: '{ConfigFile(root, id)}'");
                yaml.AppendLine(CultureInfo.InvariantCulture, $"    appPort: {_appPorts[id]}");
            }

            yaml.AppendLine(CultureInfo.InvariantCulture, $"    daprHTTPPort: {_daprPorts[id]}");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    daprGRPCPort: {_grpcPorts[id]}");
            if (options.RunByCaller.Contains(id))
            {
                continue;
            }

            var command = Assemblies.TryGetValue(id, out var dll)
                ? $"[\"dotnet\", \"bin/{options.Configuration}/net10.0/{dll}\"]"
                : "[\"python3\", \"app.py\"]";
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    command: {command}");
            if (env.TryGetValue(id, out var vars))
            {
                yaml.AppendLine("    env:");
                foreach (var (name, value) in vars)
                {
                    yaml.AppendLine(CultureInfo.InvariantCulture, $"      {name}: '{value}'");
                }
            }
        }

        // Apps the caller runs itself: the runner gives each only a sidecar, in this process, so it shares the
        // in-memory pub/sub with the system.
        foreach (var app in options.ExtraApps)
        {
            yaml.AppendLine(CultureInfo.InvariantCulture, $"  - appID: {app.AppId}");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    appDirPath: '{app.AppDirPath}'");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    appPort: {app.Port}");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    daprHTTPPort: {_daprPorts[app.AppId]}");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    daprGRPCPort: {_grpcPorts[app.AppId]}");
        }

        return yaml.ToString();
    }

    private async Task WaitReadyAsync(TimeSpan timeout, bool includeCallerApps, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await IsReadyAsync(http, includeCallerApps, cancellationToken))
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
            {
                last = e;
            }

            await Task.Delay(200, cancellationToken);
        }

        // The run's folder goes with the system, so what the log says must travel in the exception.
        throw new TimeoutException(
            $"timed out after {timeout.TotalSeconds:0}s waiting for the system to be ready; the end of {LogPath}:{Environment.NewLine}{LogTail(60)}", last);
    }

    private string LogTail(int lines)
    {
        using var reader = new StreamReader(new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        var tail = new Queue<string>(lines);
        while (reader.ReadLine() is { } line)
        {
            if (tail.Count == lines)
            {
                tail.Dequeue();
            }

            tail.Enqueue(line);
        }

        return string.Join(Environment.NewLine, tail);
    }

    /// <summary>Returns once every app, those the caller runs included, is ready (as <see cref="StartAsync"/> waits).</summary>
    public Task WaitAllAppsReadyAsync(CancellationToken cancellationToken = default) =>
        WaitReadyAsync(_options.ReadyTimeout, includeCallerApps: true, cancellationToken);

    private async Task<bool> IsReadyAsync(HttpClient http, bool includeCallerApps, CancellationToken cancellationToken)
    {
        bool Check(string id) => includeCallerApps || !_options.RunByCaller.Contains(id);
        if (!Check("catalog") || !Check("inventory"))
        {
            return await HealthyAsync(http, includeCallerApps, cancellationToken);
        }

        using var productsRequest = AppRequest("catalog", "/products");
        using var products = await http.SendAsync(productsRequest, cancellationToken);
        if (!products.IsSuccessStatusCode || (await products.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetArrayLength() == 0)
        {
            return false;
        }

        using var stockRequest = AppRequest("inventory", "/stock/TRAIL-SHOE-42");
        using var stock = await http.SendAsync(stockRequest, cancellationToken);
        if (!stock.IsSuccessStatusCode)
        {
            return false;
        }

        return await HealthyAsync(http, includeCallerApps, cancellationToken);
    }

    private async Task<bool> HealthyAsync(HttpClient http, bool includeCallerApps, CancellationToken cancellationToken)
    {
        foreach (var id in new[] { "ordering", "shipping", "payments", "payment-provider" }.Where(id => includeCallerApps || !_options.RunByCaller.Contains(id)))
        {
            using var health = await http.GetAsync(new Uri(AppEndpoint(id), "/healthz"), cancellationToken);
            if (!health.IsSuccessStatusCode)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Starts one of the <see cref="SidecartSystemOptions.RunByCaller"/> apps as the runner would (its build
    /// output, its folder, the environment the runner gives it, the options' <c>Env</c>), writing to the run's log.</summary>
    public SystemAppProcess StartApp(string appId, IReadOnlyDictionary<string, string>? environmentOverrides = null)
    {
        if (!_options.RunByCaller.Contains(appId))
        {
            throw new ArgumentException($"{appId} is not an app the caller runs", nameof(appId));
        }

        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["APP_ID"] = appId,
            ["APP_PORT"] = _appPorts[appId].ToString(CultureInfo.InvariantCulture),
            ["DAPR_HTTP_PORT"] = _daprPorts[appId].ToString(CultureInfo.InvariantCulture),
            ["DAPR_GRPC_PORT"] = _grpcPorts[appId].ToString(CultureInfo.InvariantCulture),
        };
        var systemEnv = AppEnvironment(_options).GetValueOrDefault(appId) ?? new Dictionary<string, string>();
        foreach (var (name, value) in systemEnv.Concat(environmentOverrides ?? new Dictionary<string, string>()))
        {
            environment[name] = value;
        }

        var folder = Path.Combine(RepositoryRoot, "apps", appId);
        var app = Assemblies.TryGetValue(appId, out var dll)
            ? SystemAppProcess.Start("dotnet", Path.Combine(folder, "bin", _options.Configuration, "net10.0", dll), folder, environment, _output)
            : SystemAppProcess.Start("python3", "app.py", folder, environment, _output);
        _appsStarted.Add(app);
        return app;
    }

    private HttpRequestMessage AppRequest(string appId, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(AppEndpoint(appId), path));
        if (AppApiToken(appId) is { } token)
        {
            request.Headers.Add("dapr-api-token", token);
        }

        return request;
    }

    public async ValueTask DisposeAsync()
    {
        // Apps the caller started and left running (a failed assertion skips its cleanup) would go on writing to the
        // log, which is closed below: stopped first.
        foreach (var app in _appsStarted)
        {
            await app.DisposeAsync();
        }

        if (_runner is not null)
        {
            await _runner.DisposeAsync();
        }

        await KillRunnerAsync();
        _runnerProcess?.Dispose();

        if (_log is not null)
        {
            await _log.DisposeAsync();
        }

        try
        {
            if (!_keepFiles)
            {
                Directory.Delete(Temp, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex(@"(- name: connectionString\s*\n\s*value:\s*)\S+")]
    private static partial Regex ConnectionString();
}
