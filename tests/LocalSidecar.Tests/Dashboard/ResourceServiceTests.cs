using System.Threading.Channels;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using LocalSidecar.Hosting;
using LocalSidecar.NameResolution;
using LocalSidecar.Runner;
using LocalSidecar.Runner.Dashboard;
using LocalSidecar.Runner.Dashboard.Proto;
using FreePort = Sidecart.Testing.FreePort;

namespace LocalSidecar.Tests.Dashboard;

/// <summary>The runner's resource service (<c>aspire.v1.DashboardService</c>) called as the Aspire dashboard calls it,
/// against a runner started here on free ports: a small Python app (testdata/echo_app.py) with a sidecar, a sidecar
/// alone and an app that quits.</summary>
public sealed class ResourceServiceTests : IAsyncLifetime
{
    private const string ApiKey = "resource-service-key-of-this-test";
    private const string ApiTokenValue = "dapr-token-that-must-never-show";
    private const string ProviderKeyValue = "provider-key-that-must-never-show";
    private const string UrlPassword = "url-password-that-must-never-show";

    private static readonly string EchoApp = Path.Combine(AppContext.BaseDirectory, "testdata", "echo_app.py");
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly TempFolder _folder = new();
    private readonly CapturedLines _output = new();
    private readonly int _appPort = FreePort.Next();
    private MultiAppRunner? _runner;
    private GrpcChannel? _channel;

    private DashboardService.DashboardServiceClient Client => new(_channel!);

    private static CallOptions Call => new(new Metadata { { ResourceServiceOptions.ApiKeyHeader, ApiKey } }, cancellationToken: TestContext.Current.CancellationToken);

    public async ValueTask InitializeAsync()
    {
        foreach (var folder in new[] { "echo", "client", "quitter", "components" })
        {
            Directory.CreateDirectory(Path.Combine(_folder.Path, folder));
        }

        _folder.Write("components/pubsub.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: orders-bus
            spec:
              type: pubsub.in-memory
              version: v1
            """);
        var file = RunFile.Load(_folder.Write("dapr.yaml", $"""
            version: 1
            apps:
              - appDirPath: ./echo
                appPort: {_appPort}
                command: ["python3", "-u", "{EchoApp}"]
                env:
                  GREETING: hello
                  DAPR_API_TOKEN: {ApiTokenValue}
                  Provider__ApiKey: {ProviderKeyValue}
                  BROKER_URL: amqp://shop:{UrlPassword}@localhost:5672
              - appDirPath: ./client
              - appDirPath: ./quitter
                command: ["python3", "-c", "import sys; print('quitting', flush=True); sys.exit(3)"]
            """), Path.Combine(_folder.Path, "no-dapr-home"));
        _runner = await MultiAppRunner.StartAsync(file, new RunnerOptions
        {
            ResourcesPathsOverride = [Path.Combine(_folder.Path, "components")],
            Environment = new SidecarEnvironment(new FileNameResolver(Path.Combine(_folder.Path, "name-resolution"))),
            Output = _output,
            AppStartTimeout = TimeSpan.FromSeconds(30),
            StopGracePeriod = TimeSpan.FromSeconds(3),
            ResourceService = new ResourceServiceOptions { ApiKey = ApiKey },
        }, TestContext.Current.CancellationToken);
        _channel = GrpcChannel.ForAddress(_runner.Dashboard!.ResourceServiceUrl);
    }

    public async ValueTask DisposeAsync()
    {
        _channel?.Dispose();
        if (_runner is not null)
        {
            await _runner.DisposeAsync();
        }

        _folder.Dispose();
    }

    [Fact]
    public async Task The_application_is_named_after_the_run_files_folder()
    {
        var info = await Client.GetApplicationInformationAsync(new ApplicationInformationRequest(), Call);
        Assert.Equal(Path.GetFileName(_folder.Path), info.ApplicationName);
    }

    [Fact]
    public async Task Every_app_and_sidecar_is_a_resource_with_its_endpoints_components_and_masked_environment()
    {
        using var watch = Client.WatchResources(new WatchResourcesRequest(), Call);
        Assert.True(await watch.ResponseStream.MoveNext(TestContext.Current.CancellationToken));
        var initial = watch.ResponseStream.Current;
        Assert.Equal(WatchResourcesUpdate.KindOneofCase.InitialData, initial.KindCase);
        var resources = initial.InitialData.Resources.ToDictionary(r => r.Name);
        Assert.Equal(["client-daprd", "echo-app", "echo-daprd", "quitter-app", "quitter-daprd"], resources.Keys.Order(StringComparer.Ordinal));
        Assert.Contains(initial.InitialData.ResourceTypes, t => t.UniqueName == ResourceNames.SidecarType);

        var echo = _runner!.Instances.Single(i => i.App.AppId == "echo");
        var app = resources["echo-app"];
        Assert.Equal((ResourceNames.AppType, "echo"), (app.ResourceType, app.DisplayName));
        Assert.Equal($"http://127.0.0.1:{_appPort}", Assert.Single(app.Urls).FullUrl);
        Assert.Equal(echo.Process!.Id, (int)app.Properties.Single(p => p.Name == "executable.pid").Value.NumberValue);
        var environment = app.Environment.ToDictionary(e => e.Name, e => e.Value);
        Assert.Equal("hello", environment["GREETING"]);
        Assert.Equal(_appPort.ToString(System.Globalization.CultureInfo.InvariantCulture), environment["APP_PORT"]);
        Assert.Equal(SecretMask.Masked, environment["DAPR_API_TOKEN"]);
        Assert.Equal(SecretMask.Masked, environment["Provider__ApiKey"]);
        Assert.Equal($"amqp://{SecretMask.Masked}@localhost:5672", environment["BROKER_URL"]);
        Assert.Contains(app.Commands, c => c.Name == RunnerResources.RestartCommand && c.State == ResourceCommandState.Enabled);

        var sidecar = resources["echo-daprd"];
        Assert.Equal(ResourceNames.SidecarType, sidecar.ResourceType);
        var urls = sidecar.Urls.ToDictionary(u => u.EndpointName, u => u.FullUrl);
        Assert.Equal(echo.Sidecar.HttpEndpoint.ToString().TrimEnd('/'), urls["http"]);
        Assert.Equal($"http://127.0.0.1:{echo.Sidecar.GrpcPort}", urls["grpc"]);
        Assert.Equal($"http://127.0.0.1:{echo.Sidecar.InternalPort}", urls["internal"]);
        Assert.NotNull(echo.Sidecar.MetricsPort);
        Assert.Equal($"http://localhost:{echo.Sidecar.MetricsPort}/metrics", urls["metrics"]);
        Assert.Equal(echo.Sidecar.MetricsPort, (int)sidecar.Properties.Single(p => p.Name == "dapr.metricsPort").Value.NumberValue);
        var components = sidecar.Properties.Single(p => p.Name == "dapr.components").Value.ListValue.Values.Select(v => v.StringValue);
        Assert.Equal(["orders-bus (pubsub.in-memory/v1)"], components);
        Assert.Equal(_appPort, (int)sidecar.Properties.Single(p => p.Name == "dapr.appPort").Value.NumberValue);
        Assert.Empty(sidecar.Commands);
        Assert.DoesNotContain(resources.Keys, n => n == "client-app");

        var everything = JsonFormatter.Default.Format(initial);
        foreach (var secret in new[] { ApiTokenValue, ProviderKeyValue, UrlPassword })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task States_follow_the_processes_running_exited_and_healthy()
    {
        using var watch = Client.WatchResources(new WatchResourcesRequest(), Call);
        var latest = await WatchUntilAsync(watch, r => r.TryGetValue("echo-app", out var echo) && echo.State == "Running"
            && r.TryGetValue("quitter-app", out var quitter) && quitter.State == "Exited");
        var echo = latest["echo-app"];
        Assert.Equal("success", echo.StateStyle);
        Assert.Equal(HealthStatus.Healthy, Assert.Single(echo.HealthReports).Status);
        Assert.Equal(HealthStatus.Healthy, Assert.Single(latest["echo-daprd"].HealthReports).Status);
        Assert.Equal("Running", latest["echo-daprd"].State);
        var quitter = latest["quitter-app"];
        Assert.Equal(("error", 3), (quitter.StateStyle, (int)quitter.Properties.Single(p => p.Name == "resource.exitCode").Value.NumberValue));
        Assert.NotNull(quitter.StoppedAt);
    }

    [Fact]
    public async Task Console_output_is_kept_per_app_and_sidecar_and_followed_live()
    {
        await _output.WaitForAsync(l => l == $"== APP - echo == echo app listening on {_appPort}", Deadline);
        var kept = await ReadLogsAsync("echo-app");
        Assert.Contains($"echo app listening on {_appPort}", kept.Select(l => l.Text));
        Assert.Contains("echo app says hello on stderr", kept.Select(l => l.Text));
        Assert.Equal(Enumerable.Range(1, kept.Count), kept.Select(l => l.LineNumber));
        Assert.DoesNotContain(kept, l => l.Text.StartsWith("==", StringComparison.Ordinal));

        // The sidecar's own log lines (daprd's text lines), from before the runner listed it.
        var sidecarLines = await ReadLogsAsync("echo-daprd");
        Assert.NotEmpty(sidecarLines);
        Assert.All(sidecarLines, l => Assert.Matches("^time=\"[^\"]+\" level=[a-z]+ msg=.* app_id=echo ", l.Text));

        // The quitter runs beside echo: its one line may come after echo's.
        var quitterLines = await ReadLogsAsync("quitter-app");
        for (var until = DateTime.UtcNow + Deadline; !quitterLines.Any(l => l.Text == "quitting") && DateTime.UtcNow < until; quitterLines = await ReadLogsAsync("quitter-app"))
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Contains("quitting", quitterLines.Select(l => l.Text));

        // Following: the lines of a restarted process arrive on the open stream, numbered on.
        using var follow = Client.WatchResourceConsoleLogs(new WatchResourceConsoleLogsRequest { ResourceName = "echo-app" }, Call);
        var response = await Client.ExecuteResourceCommandAsync(new ResourceCommandRequest { CommandName = RunnerResources.RestartCommand, ResourceName = "echo-app", ResourceType = ResourceNames.AppType }, Call);
        Assert.Equal(ResourceCommandResponseKind.Succeeded, response.Kind);
        var seen = new List<ConsoleLogLine>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(Deadline);
        while (seen.Count(l => l.Text == $"echo app listening on {_appPort}") < 2 && await follow.ResponseStream.MoveNext(deadline.Token))
        {
            seen.AddRange(follow.ResponseStream.Current.LogLines);
        }

        Assert.Equal(2, seen.Count(l => l.Text == $"echo app listening on {_appPort}"));
        Assert.Equal(Enumerable.Range(1, seen.Count), seen.Select(l => l.LineNumber));
    }

    [Fact]
    public async Task The_restart_command_starts_a_new_process_behind_the_same_sidecar()
    {
        using var watch = Client.WatchResources(new WatchResourcesRequest(), Call);
        await WatchUntilAsync(watch, r => r.TryGetValue("echo-app", out var echo) && echo.State == "Running");
        var echo = _runner!.Instances.Single(i => i.App.AppId == "echo");
        var before = echo.Process!.Id;

        var response = await Client.ExecuteResourceCommandAsync(new ResourceCommandRequest { CommandName = RunnerResources.RestartCommand, ResourceName = "echo-app", ResourceType = ResourceNames.AppType }, Call);

        Assert.Equal(ResourceCommandResponseKind.Succeeded, response.Kind);
        Assert.NotEqual(before, echo.Process!.Id);
        var after = await WatchUntilAsync(watch, r => r.TryGetValue("echo-app", out var app) && app.State == "Restarted"
            && (int)app.Properties.Single(p => p.Name == "executable.pid").Value.NumberValue == echo.Process.Id);
        Assert.Equal(1, (int)after["echo-app"].Properties.Single(p => p.Name == "runner.restarts").Value.NumberValue);
        using var http = new HttpClient { BaseAddress = echo.Sidecar.HttpEndpoint };
        http.DefaultRequestHeaders.Add("dapr-api-token", ApiTokenValue);
        var pid = $"\"pid\": {echo.Process.Id}";
        var answer = await Sidecart.Testing.Eventually.UntilAsync(
            async () =>
            {
                try
                {
                    return await http.GetStringAsync("/v1.0/invoke/echo/method/whoami", TestContext.Current.CancellationToken);
                }
                catch (HttpRequestException e)
                {
                    return e.Message;
                }
            },
            a => a.Contains(pid, StringComparison.Ordinal), "the restarted app to answer through its sidecar", Deadline, TimeSpan.FromMilliseconds(200));
        Assert.Contains(pid, answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commands_the_runner_does_not_have_and_resources_it_does_not_know_fail_clearly()
    {
        var unknownCommand = await Client.ExecuteResourceCommandAsync(new ResourceCommandRequest { CommandName = "resource-stop", ResourceName = "echo-app" }, Call);
        Assert.Equal(ResourceCommandResponseKind.Failed, unknownCommand.Kind);
        Assert.Contains("resource-stop", unknownCommand.Message, StringComparison.Ordinal);

        var sidecarRestart = await Client.ExecuteResourceCommandAsync(new ResourceCommandRequest { CommandName = RunnerResources.RestartCommand, ResourceName = "echo-daprd" }, Call);
        Assert.Equal(ResourceCommandResponseKind.Failed, sidecarRestart.Kind);

        var exception = await Assert.ThrowsAsync<RpcException>(() => ReadLogsAsync("nobody"));
        Assert.Equal(StatusCode.NotFound, exception.StatusCode);
    }

    [Fact]
    public async Task A_caller_without_the_runs_key_is_refused()
    {
        var none = await Assert.ThrowsAsync<RpcException>(() => Client.GetApplicationInformationAsync(new ApplicationInformationRequest(), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, none.StatusCode);
        var wrong = new CallOptions(new Metadata { { ResourceServiceOptions.ApiKeyHeader, "guessed" } }, cancellationToken: TestContext.Current.CancellationToken);
        var restart = await Assert.ThrowsAsync<RpcException>(() => Client.ExecuteResourceCommandAsync(new ResourceCommandRequest { CommandName = RunnerResources.RestartCommand, ResourceName = "echo-app" }, wrong).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, restart.StatusCode);
    }

    private async Task<List<ConsoleLogLine>> ReadLogsAsync(string resource)
    {
        using var call = Client.WatchResourceConsoleLogs(new WatchResourceConsoleLogsRequest { ResourceName = resource, SuppressFollow = true }, Call);
        var lines = new List<ConsoleLogLine>();
        while (await call.ResponseStream.MoveNext(TestContext.Current.CancellationToken))
        {
            lines.AddRange(call.ResponseStream.Current.LogLines);
        }

        return lines;
    }

    /// <summary>Applies the stream's initial data and changes until <paramref name="done"/> holds for the resources.</summary>
    private static async Task<Dictionary<string, Resource>> WatchUntilAsync(AsyncServerStreamingCall<WatchResourcesUpdate> watch, Func<Dictionary<string, Resource>, bool> done)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(Deadline);
        var resources = new Dictionary<string, Resource>(StringComparer.Ordinal);
        while (await watch.ResponseStream.MoveNext(deadline.Token))
        {
            var update = watch.ResponseStream.Current;
            var upserts = update.KindCase == WatchResourcesUpdate.KindOneofCase.InitialData
                ? update.InitialData.Resources
                : update.Changes.Value.Where(c => c.KindCase == WatchResourcesChange.KindOneofCase.Upsert).Select(c => c.Upsert);
            foreach (var resource in upserts)
            {
                resources[resource.Name] = resource;
            }

            if (done(resources))
            {
                return resources;
            }
        }

        throw new InvalidOperationException("the resource stream ended");
    }
}
