using System.Globalization;
using System.Net.Sockets;

namespace LocalSidecar.Runner.Dashboard;

/// <summary>The Aspire dashboard (the standalone executable of the <c>Aspire.Dashboard.Sdk</c> package) as a child
/// of the runner: its UI behind this run's browser token, OTLP intake without authentication (on loopback only), and
/// the runner's resource service behind its API key. It never holds the run up: when it cannot start, the runner
/// says why and the apps run without it.</summary>
public sealed class DashboardProcess
{
    private const int KeptOutputLines = 40;

    private readonly AppProcess _process;
    private readonly DashboardOptions _options;
    private readonly Queue<string> _lastLines = new();

    private DashboardProcess(AppProcess process, DashboardOptions options)
    {
        _process = process;
        _options = options;
    }

    /// <summary>Starts the dashboard; null (with the reason written to <paramref name="output"/>) when it cannot.</summary>
    public static DashboardProcess? Start(DashboardOptions options, Uri resourceServiceUrl, string resourceServiceApiKey, RunnerOutput output)
    {
        if (options.ExecutablePath is not { } executable || !File.Exists(executable))
        {
            output.Runner($"dashboard: not started, its executable ({options.ExecutablePath ?? "package Aspire.Dashboard.Sdk.linux-x64"}) is missing; restore sidecar/LocalSidecar.Runtime");
            return null;
        }

        if (new[] { options.UiPort, options.OtlpGrpcPort, options.OtlpHttpPort }.FirstOrDefault(port => !IsFree(port)) is var taken and > 0)
        {
            output.Runner($"dashboard: not started, port {taken} is in use (another dashboard or OTLP collector?); the apps run without it");
            return null;
        }

        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_URLS"] = options.UiUrl.ToString().TrimEnd('/'),
            ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = options.OtlpGrpcUrl.ToString().TrimEnd('/'),
            ["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = options.OtlpHttpUrl.ToString().TrimEnd('/'),
            ["Dashboard__Frontend__AuthMode"] = "BrowserToken",
            ["Dashboard__Frontend__BrowserToken"] = options.BrowserToken,
            ["Dashboard__Otlp__AuthMode"] = "Unsecured",
            ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = resourceServiceUrl.ToString().TrimEnd('/'),
            ["Dashboard__ResourceServiceClient__AuthMode"] = "ApiKey",
            ["Dashboard__ResourceServiceClient__ApiKey"] = resourceServiceApiKey,
            ["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = null,
            ["DOTNET_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = null,
            // Server GC (the dashboard's default) keeps a heap and a spinning GC thread per core and grows larger heaps:
            // on a laptop's few cores they take from the apps the dashboard shows.
            ["DOTNET_gcServer"] = "0",
        };

        DashboardProcess? dashboard = null;
        AppProcess process;
        try
        {
            process = AppProcess.Start(AtLowestPriority(executable), Path.GetDirectoryName(executable)!, environment, line => dashboard?.Keep(line));
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            // The package holds a linux-x64 executable: elsewhere it does not run.
            output.Runner($"dashboard: not started, {executable} cannot run here ({e.Message}); the apps run without it");
            return null;
        }

        dashboard = new DashboardProcess(process, options);
        output.Runner($"dashboard: starting (pid {process.Id}); OTLP on {options.OtlpGrpcUrl} (gRPC) and {options.OtlpHttpUrl} (HTTP)");
        _ = dashboard.AnnounceAsync(output);
        return dashboard;
    }

    /// <summary>Whether the dashboard answered and still runs.</summary>
    public bool IsUp { get; private set; }

    public Task StopAsync(TimeSpan grace) => _process.StopAsync(grace);

    /// <summary>Prints the login URL once the UI answers, or why the dashboard ended.</summary>
    private async Task AnnounceAsync(RunnerOutput output)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!_process.Exited.IsCompleted && DateTime.UtcNow < deadline)
        {
            if (await IsListeningAsync(_options.UiPort))
            {
                IsUp = !_process.Exited.IsCompleted;
                output.Runner($"dashboard: {_options.LoginUrl} (this run's login link; `make run DASHBOARD=0` runs without the dashboard)");
                return;
            }

            await Task.WhenAny(_process.Exited, Task.Delay(200));
        }

        if (_process.Exited.IsCompleted)
        {
            string[] last;
            lock (_lastLines)
            {
                last = [.. _lastLines];
            }

            var code = _process.Exited.Result;
            // nice's codes for a program it could not run: not executable (126) or not found (127).
            output.Runner(code is 126 or 127
                ? $"dashboard: not started, {_options.ExecutablePath} cannot run here (exit code {code.ToString(CultureInfo.InvariantCulture)}); the apps run without it. Its last output:"
                : $"dashboard: exited with code {code.ToString(CultureInfo.InvariantCulture)} (are ports {_options.UiPort}, {_options.OtlpGrpcPort} and {_options.OtlpHttpPort} free?); the apps keep running without it. Its last output:");
            foreach (var line in last)
            {
                output.Runner("dashboard: " + line);
            }
        }
        else
        {
            output.Runner($"dashboard: {_options.UiUrl} does not answer after 60s; the apps keep running");
        }
    }

    /// <summary>The command that runs <paramref name="executable"/> at the lowest CPU priority (<c>nice -n 19</c>), so
    /// that it gets only the CPU time the apps leave. The dashboard files every span, log line and metric point it
    /// receives into a SQLite database as it arrives, in a burst after each export of every app and sidecar: at the
    /// apps' priority, those bursts kept the apps waiting for a core; behind them, the dashboard catches up in the moments
    /// the apps leave idle.</summary>
    private static string[] AtLowestPriority(string executable) =>
        !OperatingSystem.IsWindows() && (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "nice")).FirstOrDefault(File.Exists) is { } nice
            ? [nice, "-n", "19", executable]
            : [executable];

    private void Keep(string line)
    {
        lock (_lastLines)
        {
            if (_lastLines.Count == KeptOutputLines)
            {
                _lastLines.Dequeue();
            }

            _lastLines.Enqueue(line.Replace(_options.BrowserToken, SecretMask.Masked, StringComparison.Ordinal));
        }
    }

    private static bool IsFree(int port)
    {
        var listener = new TcpListener(System.Net.IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static async Task<bool> IsListeningAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync("localhost", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
