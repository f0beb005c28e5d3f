namespace LocalSidecar.Runner;

/// <summary>Runs every app of a run file (and its replicas), each with an in-process sidecar, until disposed.
/// An app that exits by itself is reported and the others keep running, as with <c>dapr run -f</c>.</summary>
public sealed class MultiAppRunner : IAsyncDisposable
{
    private readonly RunnerOptions _options;
    private readonly RunnerOutput _output;
    private readonly List<AppInstance> _instances;
    private int _disposed;

    private MultiAppRunner(RunnerOptions options, RunnerOutput output, List<AppInstance> instances)
    {
        _options = options;
        _output = output;
        _instances = instances;
    }

    public IReadOnlyList<AppInstance> Instances => _instances;

    /// <summary>The resource service (and the dashboard) of this run, when <see cref="RunnerOptions"/> asked for them.</summary>
    public Dashboard.RunnerDashboard? Dashboard { get; private set; }

    /// <summary>Starts every instance, waits (up to <see cref="RunnerOptions.AppStartTimeout"/>) for the apps to be
    /// reachable and prints where everything listens. If anything fails to start, what did start is stopped.</summary>
    public static async Task<MultiAppRunner> StartAsync(RunFile file, RunnerOptions options, CancellationToken cancellationToken)
    {
        foreach (var (appId, count) in options.Replicas)
        {
            if (!file.Apps.Any(a => a.AppId == appId))
            {
                throw new ArgumentException($"--replicas {appId}={count}: {file.FilePath} has no app '{appId}'");
            }

            if (count < 1)
            {
                throw new ArgumentException($"--replicas {appId}={count}: the count must be at least 1");
            }
        }

        options = options with { Sentry = options.Sentry ?? RunSentry.Create(file, options) };
        var output = new RunnerOutput(options.Output);
        var runner = new MultiAppRunner(options, output, []);
        try
        {
            runner.Dashboard = await LocalSidecar.Runner.Dashboard.RunnerDashboard.StartAsync(options, output, Path.GetFileName(Path.GetDirectoryName(file.FilePath)) ?? "dapr.yaml", cancellationToken);
            foreach (var app in file.Apps)
            {
                var replicas = options.Replicas.GetValueOrDefault(app.AppId, 1);
                for (var replica = 1; replica <= replicas; replica++)
                {
                    runner._instances.Add(await AppInstance.StartAsync(app, replica, replicas > 1, options, output, cancellationToken));
                    runner.Dashboard?.Track(runner._instances[^1]);
                }
            }

            await runner.WaitForAppsAsync(cancellationToken);
        }
        catch
        {
            await runner.DisposeAsync();
            throw;
        }

        output.Runner($"{runner._instances.Count} app instance(s) running from {file.FilePath}; Ctrl-C stops them all");
        if (options.Sentry is { } sentry)
        {
            output.Runner(RunSentry.Describe(sentry, options));
        }

        foreach (var instance in runner._instances)
        {
            output.Runner(instance.Describe());
        }

        if (runner.Dashboard?.Describe(options.Dashboard) is { } dashboard)
        {
            output.Runner(dashboard);
        }

        return runner;
    }

    /// <summary>Stops every app (SIGTERM, then kill after the grace period) and every sidecar.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _output.Runner("stopping all apps and sidecars");
        await Task.WhenAll(_instances.Select(i => i.StopAsync(_options.StopGracePeriod)));
        if (Dashboard is not null)
        {
            await Dashboard.StopDashboardAsync(_options.StopGracePeriod);
            await Dashboard.DisposeAsync();
        }

        _output.Runner("stopped");
    }

    private async Task WaitForAppsAsync(CancellationToken cancellationToken)
    {
        var all = Task.WhenAll(_instances.Select(i => i.WhenReadyOrExitedAsync(cancellationToken)));
        if (await Task.WhenAny(all, Task.Delay(_options.AppStartTimeout, cancellationToken)) != all)
        {
            _output.Runner($"not every app was reachable within {_options.AppStartTimeout.TotalSeconds:0}s; their sidecars keep waiting");
        }

        cancellationToken.ThrowIfCancellationRequested();
    }
}
