using System.Diagnostics;
using Sidecart.Testing;

namespace EndToEnd;

/// <summary><c>scripts/run-app.sh</c>, which <c>dapr.yaml</c> starts every C# app with, so that <c>dapr run -f .</c> works
/// from a fresh clone: it builds first unless <c>make run</c> has (<c>SIDECART_BUILT=1</c>), one app at a time, then
/// replaces itself with the app. <c>dotnet</c> is a stand-in on the PATH that records what it was asked.</summary>
public sealed class RunAppScriptTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sidecart-run-app", Guid.NewGuid().ToString("N"));

    public RunAppScriptTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "bin"));
        Directory.CreateDirectory(Path.Combine(_root, "scripts"));
        Directory.CreateDirectory(Path.Combine(_root, "apps", "a"));
        Directory.CreateDirectory(Path.Combine(_root, "apps", "b"));
        File.Copy(Path.Combine(SidecartSystem.RepositoryRoot, "scripts", "run-app.sh"), Path.Combine(_root, "scripts", "run-app.sh"));
        // Each call is logged with its start and end, and a build takes a while, so overlapping builds would show.
        File.WriteAllText(Path.Combine(_root, "bin", "dotnet"), $"""
            #!/bin/sh
            echo "start $(basename "$PWD") $*" >> "{Log}"
            [ "$1" = build ] && sleep 1
            echo "end $(basename "$PWD") $1" >> "{Log}"
            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(_root, "bin", "dotnet"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private string Log => Path.Combine(_root, "calls.log");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void The_run_file_starts_every_csharp_app_through_the_script()
    {
        var runFile = File.ReadAllText(Path.Combine(SidecartSystem.RepositoryRoot, "dapr.yaml"));
        foreach (var dll in new[] { "Catalog.dll", "Ordering.dll", "Inventory.dll", "Payments.dll", "PaymentProvider.dll" })
        {
            Assert.Contains($"""command: ["sh", "../../scripts/run-app.sh", "{dll}"]""", runFile, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("bin/Debug", runFile, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_make_run_built_everything_the_app_starts_at_once()
    {
        await RunAsync("a", built: true);

        Assert.Equal(["start a bin/Debug/net10.0/A.dll", "end a bin/Debug/net10.0/A.dll"], File.ReadAllLines(Log));
    }

    [Fact]
    public async Task From_a_fresh_clone_apps_started_together_build_one_at_a_time_then_run()
    {
        await Task.WhenAll(RunAsync("a", built: false), RunAsync("b", built: false));

        var calls = File.ReadAllLines(Log);
        // Each build ends before the next starts: start a build, end a build, start b build, end b build (either order).
        var builds = calls.Where(c => c.Split(' ')[2] == "build").Select(c => string.Join(' ', c.Split(' ')[..2])).ToList();
        Assert.True(builds.SequenceEqual(["start a", "end a", "start b", "end b"]) || builds.SequenceEqual(["start b", "end b", "start a", "end a"]),
            "builds overlapped: " + string.Join(", ", builds));
        Assert.Contains("start a bin/Debug/net10.0/A.dll", calls);
        Assert.Contains("start b bin/Debug/net10.0/B.dll", calls);
        Assert.True(Array.IndexOf(calls, "start a bin/Debug/net10.0/A.dll") > Array.IndexOf(calls, "end a build"), "a runs after its build");
        Assert.False(Directory.Exists(Path.Combine(_root, ".build.lock")), "the lock is released");
    }

    private async Task RunAsync(string app, bool built)
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "a POSIX shell script");
        var start = new ProcessStartInfo("sh") { WorkingDirectory = Path.Combine(_root, "apps", app), RedirectStandardError = true };
        start.ArgumentList.Add("../../scripts/run-app.sh");
        start.ArgumentList.Add(app.ToUpperInvariant() + ".dll");
        start.Environment["PATH"] = Path.Combine(_root, "bin") + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment.Remove("CONFIGURATION");
        if (built)
        {
            start.Environment["SIDECART_BUILT"] = "1";
        }
        else
        {
            start.Environment.Remove("SIDECART_BUILT");
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"run-app.sh {app} exited {process.ExitCode}: {await errors}");
    }
}
