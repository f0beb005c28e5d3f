using System.Net;
using System.Net.Sockets;
using LocalSidecar.Hosting;
using LocalSidecar.NameResolution;
using LocalSidecar.Runner;
using LocalSidecar.Runner.Dashboard;
using FreePort = Sidecart.Testing.FreePort;

namespace LocalSidecar.Tests.Dashboard;

/// <summary>A dashboard that cannot start holds nothing up: the runner says why and runs the apps without it.</summary>
public sealed class DashboardStartTests : IDisposable
{
    private static readonly string EchoApp = Path.Combine(AppContext.BaseDirectory, "testdata", "echo_app.py");

    private readonly TempFolder _folder = new();
    private readonly CapturedLines _output = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Without_the_dashboards_executable_the_apps_run_and_the_runner_says_why()
    {
        var dashboard = FreePorts() with { ExecutablePath = Path.Combine(_folder.Path, "no-such-dashboard") };
        await using var runner = await StartAsync(dashboard);

        await _output.WaitForAsync(l => l.StartsWith("== RUNNER == dashboard: not started", StringComparison.Ordinal) && l.Contains("no-such-dashboard", StringComparison.Ordinal));
        await AssertEchoAnswersAsync(runner);
        Assert.Equal("127.0.0.1", runner.Dashboard!.ResourceServiceUrl.Host);
    }

    [Fact]
    public async Task An_executable_that_cannot_run_here_holds_nothing_up()
    {
        var notAProgram = _folder.Write("Aspire.Dashboard", "not a program");
        var dashboard = FreePorts() with { ExecutablePath = notAProgram };
        await using var runner = await StartAsync(dashboard);

        await _output.WaitForAsync(l => l.StartsWith($"== RUNNER == dashboard: not started, {notAProgram} cannot run here", StringComparison.Ordinal));
        await AssertEchoAnswersAsync(runner);
    }

    [Fact]
    public async Task With_its_port_taken_the_dashboard_is_not_started_and_the_apps_run()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var dashboard = FreePorts() with { OtlpGrpcPort = ((IPEndPoint)taken.LocalEndpoint).Port, ExecutablePath = DashboardOptions.PackagedExecutable ?? "/bin/true" };
        await using var runner = await StartAsync(dashboard);

        await _output.WaitForAsync(l => l == $"== RUNNER == dashboard: not started, port {dashboard.OtlpGrpcPort} is in use (another dashboard or OTLP collector?); the apps run without it");
        await AssertEchoAnswersAsync(runner);
    }

    [Fact]
    public async Task The_apps_are_told_where_the_dashboard_takes_their_telemetry()
    {
        var dashboard = FreePorts() with { ExecutablePath = Path.Combine(_folder.Path, "no-such-dashboard") };
        await using var runner = await StartAsync(dashboard);

        var echo = runner.Instances.Single();
        Assert.Equal($"http://localhost:{dashboard.OtlpGrpcPort}", echo.ProcessEnvironment["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("echo", echo.ProcessEnvironment["OTEL_SERVICE_NAME"]);
        Assert.Equal("service.instance.id=app", echo.ProcessEnvironment["OTEL_RESOURCE_ATTRIBUTES"]);
    }

    [Fact]
    public async Task The_dashboard_runs_at_the_lowest_cpu_priority_with_workstation_gc()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "the dashboard's package runs on Linux only");
        var seen = Path.Combine(_folder.Path, "seen");
        var executable = _folder.Write("Aspire.Dashboard", $"#!/bin/sh\necho \"$(nice) $DOTNET_gcServer\" > {seen}.tmp && mv {seen}.tmp {seen}\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(executable, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        await using var runner = await StartAsync(FreePorts() with { ExecutablePath = executable });

        await _output.WaitForAsync(l => l.StartsWith("== RUNNER == dashboard: exited with code 0", StringComparison.Ordinal));
        Assert.Equal("19 0", (await File.ReadAllTextAsync(seen, TestContext.Current.CancellationToken)).Trim());
    }

    private static DashboardOptions FreePorts() => new() { UiPort = FreePort.Next(), OtlpGrpcPort = FreePort.Next(), OtlpHttpPort = FreePort.Next() };

    private async Task<MultiAppRunner> StartAsync(DashboardOptions dashboard)
    {
        Directory.CreateDirectory(Path.Combine(_folder.Path, "echo"));
        var file = RunFile.Load(_folder.Write("dapr.yaml", $"""
            version: 1
            apps:
              - appDirPath: ./echo
                appPort: {FreePort.Next()}
                command: ["python3", "-u", "{EchoApp}"]
            """), Path.Combine(_folder.Path, "no-dapr-home"));
        return await MultiAppRunner.StartAsync(file, new RunnerOptions
        {
            ResourcesPathsOverride = [Directory.CreateDirectory(Path.Combine(_folder.Path, "no-components")).FullName],
            Environment = new SidecarEnvironment(new FileNameResolver(Path.Combine(_folder.Path, "name-resolution"))),
            Output = _output,
            AppStartTimeout = TimeSpan.FromSeconds(30),
            StopGracePeriod = TimeSpan.FromSeconds(3),
            Dashboard = dashboard,
        }, TestContext.Current.CancellationToken);
    }

    private static async Task AssertEchoAnswersAsync(MultiAppRunner runner)
    {
        var echo = runner.Instances.Single();
        using var http = new HttpClient { BaseAddress = echo.Sidecar.HttpEndpoint, Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.GetAsync("/v1.0/invoke/echo/method/whoami", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
