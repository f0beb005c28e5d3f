namespace LocalSidecar.Runner.Dashboard;

/// <summary>What the runner adds for the Aspire dashboard: the console output of every app and sidecar, the resource
/// service that shows them, and the dashboard itself when <see cref="RunnerOptions.Dashboard"/> asks for it.</summary>
public sealed class RunnerDashboard : IAsyncDisposable
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(500);

    private readonly RunnerResources _resources;
    private readonly ResourceServiceHost _host;
    private DashboardProcess? _process;

    private RunnerDashboard(RunnerResources resources, ResourceServiceHost host, ResourceServiceOptions options)
    {
        _resources = resources;
        _host = host;
        ResourceService = options;
    }

    public ResourceServiceOptions ResourceService { get; }

    /// <summary>Where the resource service listens (<c>http://127.0.0.1:port</c>, HTTP/2 cleartext).</summary>
    public Uri ResourceServiceUrl => _host.Url;

    /// <summary>Null when the options ask for neither the resource service nor the dashboard.</summary>
    public static async Task<RunnerDashboard?> StartAsync(RunnerOptions options, RunnerOutput output, string applicationName, CancellationToken cancellationToken)
    {
        var serviceOptions = options.ResourceService ?? (options.Dashboard is null ? null : new ResourceServiceOptions());
        if (serviceOptions is null)
        {
            return null;
        }

        serviceOptions = serviceOptions with { ApplicationName = applicationName };
        var consoleLogs = new ConsoleLogBook();
        consoleLogs.Attach(output);
        var resources = new RunnerResources(RefreshInterval);
        ResourceServiceHost host;
        try
        {
            host = await ResourceServiceHost.StartAsync(new DashboardResourceService(resources, consoleLogs, serviceOptions, options.StopGracePeriod), serviceOptions, cancellationToken);
        }
        catch
        {
            await resources.DisposeAsync();
            throw;
        }

        var dashboard = new RunnerDashboard(resources, host, serviceOptions);
        if (options.Dashboard is { } dashboardOptions)
        {
            dashboard._process = DashboardProcess.Start(dashboardOptions, host.Url, serviceOptions.ApiKey, output);
        }

        return dashboard;
    }

    /// <summary>For the runner's start-up summary: the login link again, when the dashboard is up.</summary>
    public string? Describe(DashboardOptions? options) =>
        _process is { IsUp: true } && options is not null ? $"dashboard: {options.LoginUrl}" : null;

    /// <summary>Lists an app instance (its app and its sidecar) from now on.</summary>
    public void Track(AppInstance instance) => _resources.Add(instance);

    public async Task StopDashboardAsync(TimeSpan grace)
    {
        if (_process is not null)
        {
            await _process.StopAsync(grace);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _resources.DisposeAsync();
        await _host.DisposeAsync();
    }
}
