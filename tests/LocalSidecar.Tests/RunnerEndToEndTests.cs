using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using LocalSidecar.Hosting;
using LocalSidecar.NameResolution;
using LocalSidecar.Runner;
using FreePort = Sidecart.Testing.FreePort;

namespace LocalSidecar.Tests;

/// <summary>The runner end to end with real child processes: a small Python HTTP app (testdata/echo_app.py) run from a
/// Multi-App Run file on free ports, invoked through its sidecar.</summary>
public sealed class RunnerEndToEndTests : IDisposable
{
    private static readonly string EchoApp = Path.Combine(AppContext.BaseDirectory, "testdata", "echo_app.py");

    private readonly TempFolder _folder = new();
    private readonly CapturedLines _output = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Replicas_run_behind_their_sidecars_with_prefixed_output_and_stop_with_the_runner()
    {
        var (appPort, daprPort, grpcPort) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
        Directory.CreateDirectory(Path.Combine(_folder.Path, "echo"));
        Directory.CreateDirectory(Path.Combine(_folder.Path, "quitter"));
        Directory.CreateDirectory(Path.Combine(_folder.Path, "client"));
        var file = WriteRunFile($"""
            version: 1
            common:
              env:
                GREETING: hello
            apps:
              - appDirPath: ./echo
                appPort: {appPort}
                daprHTTPPort: {daprPort}
                daprGRPCPort: {grpcPort}
                command: ["python3", "-u", "{EchoApp}"]
              - appDirPath: ./quitter
                command: ["python3", "-c", "import sys; print('quitting'); sys.exit(3)"]
              - appDirPath: ./client
            """);

        var runner = await MultiAppRunner.StartAsync(file, Options(new Dictionary<string, int> { ["echo"] = 2 }), TestContext.Current.CancellationToken);
        List<int> pids;
        try
        {
            var echo = runner.Instances.Where(i => i.App.AppId == "echo").ToList();
            Assert.Equal(["echo#1", "echo#2"], echo.Select(i => i.Name));
            Assert.Equal((appPort, daprPort, grpcPort), (echo[0].AppPort, echo[0].Sidecar.HttpPort, echo[0].Sidecar.GrpcPort));
            Assert.NotEqual(appPort, echo[1].AppPort);
            var sidecarPorts = runner.Instances.SelectMany(i => new[] { i.Sidecar.HttpPort, i.Sidecar.GrpcPort, i.Sidecar.InternalPort }).ToList();
            Assert.Equal(sidecarPorts.Count, sidecarPorts.Distinct().Count());
            pids = echo.Select(i => i.Process!.Id).ToList();

            // Through another app's sidecar: a sidecar invoking its own app id calls its own app, as daprd does.
            var caller = runner.Instances.Single(i => i.App.AppId == "client");
            Assert.Null(caller.Process);
            using var client = new HttpClient { BaseAddress = caller.Sidecar.HttpEndpoint, Timeout = TimeSpan.FromSeconds(10) };
            var answeredBy = new List<int>();
            for (var i = 0; i < 4; i++)
            {
                using var response = await client.GetAsync("/v1.0/invoke/echo/method/whoami", TestContext.Current.CancellationToken);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
                var pid = body["pid"]!.GetValue<int>();
                var instance = echo.Single(e => e.Process!.Id == pid);
                Assert.Equal(("/whoami", "echo", "hello"), (body["path"]!.GetValue<string>(), body["appId"]!.GetValue<string>(), body["greeting"]!.GetValue<string>()));
                Assert.Equal(instance.Sidecar.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), body["daprHttpPort"]!.GetValue<string>());
                Assert.Equal(instance.Sidecar.GrpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture), body["daprGrpcPort"]!.GetValue<string>());
                Assert.Equal(instance.AppPort, body["port"]!.GetValue<int>());
                Assert.Equal(Path.Combine(_folder.Path, "echo"), body["cwd"]!.GetValue<string>());
                answeredBy.Add(pid);
            }

            Assert.Equal(2, answeredBy.Count(p => p == pids[0]));
            Assert.Equal(2, answeredBy.Count(p => p == pids[1]));

            await _output.WaitForAsync(l => l == $"== APP - echo#1 == echo app listening on {appPort}");
            await _output.WaitForAsync(l => l == "== APP - echo#2 == echo app says hello on stderr");
            await _output.WaitForAsync(l => l == "== APP - quitter == quitting");
            await _output.WaitForAsync(l => l.StartsWith("== RUNNER == app quitter (pid ", StringComparison.Ordinal) && l.Contains("exited with code 3", StringComparison.Ordinal));
            // daprd's plain text lines, as dapr run shows them.
            var sidecarLog = await _output.WaitForAsync(l => l.StartsWith("== DAPR - echo#2 == time=\"", StringComparison.Ordinal));
            Assert.Matches("^time=\"[^\"]+\" level=(debug|info|warning|error) msg=", sidecarLog["== DAPR - echo#2 == ".Length..]);
            Assert.Contains(" app_id=echo ", sidecarLog, StringComparison.Ordinal);
            Assert.Contains(" type=log ", sidecarLog, StringComparison.Ordinal);
            var first = echo.Single(e => e.Name == "echo#1");
            Assert.Contains(_output.Lines, l => l.StartsWith("== RUNNER == echo#1: app pid ", StringComparison.Ordinal) && l.Contains("ready", StringComparison.Ordinal)
                && l.Contains($"gRPC API on port {grpcPort}", StringComparison.Ordinal) && l.Contains($"metrics on port {first.Sidecar.MetricsPort}", StringComparison.Ordinal));
        }
        finally
        {
            await runner.DisposeAsync();
        }

        foreach (var pid in pids)
        {
            await WaitUntilGoneAsync(pid);
        }
    }

    [Fact]
    public async Task A_run_file_without_apps_is_refused_with_a_clear_error()
    {
        var file = _folder.Write("dapr.yaml", "version: 1\napps: []\n");
        using var errors = new StringWriter();
        var exit = await RunCommand.RunAsync(["-f", file], Options(new Dictionary<string, int>()), errors, TestContext.Current.CancellationToken);
        Assert.Equal(1, exit);
        Assert.Contains("dapr.yaml", errors.ToString());
        Assert.Contains("field 'apps'", errors.ToString());
        Assert.Contains("no apps", errors.ToString());
    }

    [Fact]
    public async Task Replicas_of_an_app_that_is_not_in_the_file_are_refused()
    {
        Directory.CreateDirectory(Path.Combine(_folder.Path, "svc"));
        var file = WriteRunFile("version: 1\napps:\n  - appDirPath: svc\n");
        await Assert.ThrowsAsync<ArgumentException>(() =>
            MultiAppRunner.StartAsync(file, Options(new Dictionary<string, int> { ["other"] = 2 }), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_command_that_cannot_start_stops_what_was_started_and_names_the_app()
    {
        Directory.CreateDirectory(Path.Combine(_folder.Path, "svc"));
        Directory.CreateDirectory(Path.Combine(_folder.Path, "broken"));
        var file = WriteRunFile("""
            version: 1
            apps:
              - appDirPath: svc
              - appDirPath: broken
                command: ["./no-such-program"]
            """);
        var options = Options(new Dictionary<string, int>());
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => MultiAppRunner.StartAsync(file, options, TestContext.Current.CancellationToken));
        Assert.Contains("broken", error.Message);
        Assert.Empty(options.Environment.NameResolver.Resolve("svc"));
    }

    private RunFile WriteRunFile(string yaml) => RunFile.Load(_folder.Write("dapr.yaml", yaml), Path.Combine(_folder.Path, "no-dapr-home"));

    private RunnerOptions Options(IReadOnlyDictionary<string, int> replicas) => new()
    {
        ResourcesPathsOverride = [Directory.CreateDirectory(Path.Combine(_folder.Path, "no-components")).FullName],
        Replicas = replicas,
        Environment = new SidecarEnvironment(new FileNameResolver(Path.Combine(_folder.Path, "name-resolution"))),
        Output = _output,
        AppStartTimeout = TimeSpan.FromSeconds(30),
        StopGracePeriod = TimeSpan.FromSeconds(3),
    };

    private static async Task WaitUntilGoneAsync(int pid)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                if (process.HasExited)
                {
                    return;
                }
            }
            catch (ArgumentException)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"app process {pid} is still running after the runner stopped");
    }
}
