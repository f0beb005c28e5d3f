using System.Diagnostics;
using System.Text.RegularExpressions;
using Sidecart.Testing;

namespace LocalSidecar.Tests;

/// <summary>The built CLI's <c>run</c> subcommand as a real process: started like <c>make run</c>, stopped by SIGTERM.</summary>
public sealed partial class RunCliTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Sigterm_stops_the_apps_and_the_runner_exits_0()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "no SIGTERM on Windows");
        Directory.CreateDirectory(Path.Combine(_folder.Path, "echo"));
        Directory.CreateDirectory(Path.Combine(_folder.Path, "components"));
        // The app binds the port the run file gives it, so that one is picked in advance; the sidecar's is the runner's
        // choice (a port it binds as 0), read back from the readiness line.
        var appPort = FreePort.Next();
        var runFile = _folder.Write("dapr.yaml", $"""
            version: 1
            apps:
              - appDirPath: echo
                appPort: {appPort}
                command: ["python3", "-u", "{Path.Combine(AppContext.BaseDirectory, "testdata", "echo_app.py")}"]
            """);
        using var runner = RunnerProcess.Start("run", "-f", runFile, "--resources-path", Path.Combine(_folder.Path, "components"));
        var daprHttpApi = await runner.WaitForDaprHttpApiAsync("echo", TimeSpan.FromSeconds(30));
        await runner.Output.WaitForAsync(l => l.StartsWith("== RUNNER == echo: app pid ", StringComparison.Ordinal) && l.EndsWith("; ready", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        var started = await runner.Output.WaitForAsync(l => l.StartsWith("== RUNNER == started app echo", StringComparison.Ordinal));
        var appPid = int.Parse(StartedPid().Match(started).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        using (var client = new HttpClient { BaseAddress = daprHttpApi })
        {
            Assert.Contains("\"appId\": \"echo\"", await client.GetStringAsync("/v1.0/invoke/echo/method/hello", TestContext.Current.CancellationToken));
        }

        using (var kill = Process.Start("kill", ["-TERM", runner.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        Assert.Equal(0, await runner.ExitCodeAsync(TimeSpan.FromSeconds(20)));
        Assert.Throws<ArgumentException>(() => Process.GetProcessById(appPid));
        Assert.Contains("== RUNNER == stopped", runner.Output.Lines);
    }

    [GeneratedRegex(@"\(pid (\d+)\)")]
    private static partial Regex StartedPid();
}
