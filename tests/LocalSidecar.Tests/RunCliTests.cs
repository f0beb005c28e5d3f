using System.Diagnostics;
using System.Text.RegularExpressions;
using LocalSidecar.Runner;

namespace LocalSidecar.Tests;

/// <summary>The built CLI's <c>run</c> subcommand as a real process: started like <c>make run</c>, stopped by SIGTERM.</summary>
public sealed partial class RunCliTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>The CLI's build output next to this test's: tests/LocalSidecar.Tests/bin/&lt;config&gt;/&lt;tfm&gt;/ →
    /// sidecar/LocalSidecar/bin/&lt;config&gt;/&lt;tfm&gt;/.</summary>
    private static string CliAssembly
    {
        get
        {
            var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var (framework, configuration) = (testBin.Name, testBin.Parent!.Name);
            var repository = testBin.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
            return Path.Combine(repository, "sidecar", "LocalSidecar", "bin", configuration, framework, "LocalSidecar.dll");
        }
    }

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
        var output = new CapturedLines();
        using var cli = new Process
        {
            StartInfo = new ProcessStartInfo("dotnet")
            {
                ArgumentList = { CliAssembly, "run", "-f", runFile, "--resources-path", Path.Combine(_folder.Path, "components") },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            },
        };
        cli.OutputDataReceived += (_, e) => output.WriteLine(e.Data ?? "");
        cli.ErrorDataReceived += (_, e) => output.WriteLine(e.Data ?? "");
        cli.Start();
        cli.BeginOutputReadLine();
        cli.BeginErrorReadLine();
        try
        {
            var ready = await output.WaitForAsync(l => l.StartsWith("== RUNNER == echo: app pid ", StringComparison.Ordinal) && l.EndsWith("; ready", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
            var daprHttpApi = new Uri(DaprHttpApi().Match(ready).Groups[1].Value);
            var started = await output.WaitForAsync(l => l.StartsWith("== RUNNER == started app echo", StringComparison.Ordinal));
            var appPid = int.Parse(StartedPid().Match(started).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            using (var client = new HttpClient { BaseAddress = daprHttpApi })
            {
                Assert.Contains("\"appId\": \"echo\"", await client.GetStringAsync("/v1.0/invoke/echo/method/hello", TestContext.Current.CancellationToken));
            }

            using (var kill = Process.Start("kill", ["-TERM", cli.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
            }

            await cli.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
            Assert.Equal(0, cli.ExitCode);
            Assert.Throws<ArgumentException>(() => Process.GetProcessById(appPid));
            Assert.Contains("== RUNNER == stopped", output.Lines);
        }
        finally
        {
            if (!cli.HasExited)
            {
                cli.Kill(entireProcessTree: true);
            }
        }
    }

    [GeneratedRegex(@"\(pid (\d+)\)")]
    private static partial Regex StartedPid();

    [GeneratedRegex(@"Dapr HTTP API on (http://[^,;\s]+)")]
    private static partial Regex DaprHttpApi();
}
