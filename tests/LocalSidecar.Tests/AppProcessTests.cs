using LocalSidecar.Runner;

namespace LocalSidecar.Tests;

/// <summary>Stopping an app process: SIGTERM first, kill after the grace period.</summary>
public sealed class AppProcessTests
{
    [Fact]
    public async Task Stop_sends_SIGTERM_so_the_app_can_exit_cleanly()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "no SIGTERM on Windows");
        var output = new CapturedLines();
        var app = AppProcess.Start(
            ["python3", "-u", "-c", "import signal, sys, time\nsignal.signal(signal.SIGTERM, lambda *_: (print('got SIGTERM'), sys.exit(0)))\nprint('ready')\ntime.sleep(60)"],
            Path.GetTempPath(), new Dictionary<string, string?>(), output.WriteLine);
        await output.WaitForAsync(l => l == "ready");

        await app.StopAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, await app.Exited);
        await output.WaitForAsync(l => l == "got SIGTERM");
    }

    [Fact]
    public async Task An_app_that_ignores_SIGTERM_is_killed_after_the_grace_period()
    {
        var output = new CapturedLines();
        var app = AppProcess.Start(
            ["python3", "-u", "-c", "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint('ready')\ntime.sleep(60)"],
            Path.GetTempPath(), new Dictionary<string, string?>(), output.WriteLine);
        await output.WaitForAsync(l => l == "ready");

        var stopping = app.StopAsync(TimeSpan.FromMilliseconds(300));
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(app.Exited.IsCompleted);
        Assert.NotEqual(0, await app.Exited);
    }

    [Fact]
    public async Task The_environment_is_set_and_variables_can_be_removed()
    {
        var output = new CapturedLines();
        Environment.SetEnvironmentVariable("SIDECART_TEST_INHERITED", "inherited");
        var app = AppProcess.Start(
            ["python3", "-c", "import os; print(os.environ.get('APP_ID'), os.environ.get('SIDECART_TEST_INHERITED'), os.getcwd())"],
            Path.GetTempPath(), new Dictionary<string, string?> { ["APP_ID"] = "orders", ["SIDECART_TEST_INHERITED"] = null }, output.WriteLine);

        Assert.Equal(0, await app.Exited.WaitAsync(TimeSpan.FromSeconds(10)));
        await output.WaitForAsync(l => l == $"orders None {Path.TrimEndingDirectorySeparator(Path.GetTempPath())}");
    }
}
