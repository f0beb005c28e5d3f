using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using LocalSidecar.Runner.Dashboard.Proto;

namespace LocalSidecar.Runner.Dashboard;

/// <summary>The run as the dashboard sees it: each app and each sidecar a resource, rebuilt from the running instances
/// on every <see cref="Refresh"/> (on a timer, and at once when the runner changes something), with only the resources
/// that differ from the last published state sent to the watchers.</summary>
public sealed class RunnerResources : IAsyncDisposable
{
    public const string RestartCommand = "resource-restart";

    private readonly Lock _gate = new();
    private readonly List<AppInstance> _instances = [];
    private readonly Dictionary<string, Resource> _published = new(StringComparer.Ordinal);
    private readonly List<ChannelWriter<IReadOnlyList<Resource>>> _watchers = [];
    private readonly HashSet<(string Instance, int Pid)> _becameHealthy = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _refreshLoop;

    public RunnerResources(TimeSpan refreshInterval)
    {
        _refreshLoop = RefreshLoopAsync(refreshInterval, _stopping.Token);
    }

    public static IReadOnlyList<ResourceType> Types { get; } =
    [
        new() { UniqueName = ResourceNames.AppType, DisplayName = "App" },
        new() { UniqueName = ResourceNames.SidecarType, DisplayName = "Dapr sidecar" },
    ];

    public void Add(AppInstance instance)
    {
        lock (_gate)
        {
            _instances.Add(instance);
        }

        Refresh();
    }

    /// <summary>The instance whose app or sidecar bears this resource name.</summary>
    public (AppInstance Instance, bool IsApp)? Find(string resourceName)
    {
        lock (_gate)
        {
            foreach (var instance in _instances)
            {
                if (HasApp(instance) && ResourceNames.App(instance) == resourceName)
                {
                    return (instance, true);
                }

                if (ResourceNames.Sidecar(instance) == resourceName)
                {
                    return (instance, false);
                }
            }
        }

        return null;
    }

    /// <summary>Every resource now, and from then on each batch of resources that changed, until
    /// <paramref name="cancellationToken"/> fires.</summary>
    public (IReadOnlyList<Resource> Initial, ChannelReader<IReadOnlyList<Resource>> Changes) Watch(CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<IReadOnlyList<Resource>>(new UnboundedChannelOptions { SingleReader = true });
        List<Resource> initial;
        lock (_gate)
        {
            PublishLocked();
            initial = _published.Values.Select(r => r.Clone()).ToList();
            _watchers.Add(channel.Writer);
        }

        cancellationToken.Register(() =>
        {
            lock (_gate)
            {
                _watchers.Remove(channel.Writer);
            }

            channel.Writer.TryComplete();
        });
        return (initial, channel.Reader);
    }

    /// <summary>Rebuilds every resource and sends those that changed.</summary>
    public void Refresh()
    {
        lock (_gate)
        {
            PublishLocked();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _refreshLoop;
        lock (_gate)
        {
            foreach (var watcher in _watchers)
            {
                watcher.TryComplete();
            }
        }

        _stopping.Dispose();
    }

    private async Task RefreshLoopAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    Refresh();
                }
                catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
                {
                    // An instance being stopped while it is read: the next tick sees it settled.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void PublishLocked()
    {
        var changed = new List<Resource>();
        foreach (var instance in _instances)
        {
            // A run-file entry without command or port is a sidecar alone: there is no app to show.
            Resource[] resources = HasApp(instance) ? [AppResource(instance), SidecarResource(instance)] : [SidecarResource(instance)];
            foreach (var resource in resources)
            {
                if (!_published.TryGetValue(resource.Name, out var before) || !before.Equals(resource))
                {
                    _published[resource.Name] = resource;
                    changed.Add(resource);
                }
            }
        }

        if (changed.Count > 0)
        {
            foreach (var watcher in _watchers)
            {
                watcher.TryWrite(changed.Select(r => r.Clone()).ToList());
            }
        }
    }

    private Resource AppResource(AppInstance instance)
    {
        var name = ResourceNames.App(instance);
        var process = instance.Process;
        var channel = instance.Sidecar.Context.AppChannel;
        var (state, style) = AppState(instance, process, channel);
        var resource = new Resource
        {
            Name = name,
            Uid = name,
            ResourceType = ResourceNames.AppType,
            DisplayName = instance.Name,
            State = state,
            StateStyle = style,
            CreatedAt = Timestamp.FromDateTimeOffset(instance.CreatedAt),
        };
        if (instance.ProcessStartedAt is { } started)
        {
            resource.StartedAt = Timestamp.FromDateTimeOffset(started);
        }

        if (instance.ProcessExitedAt is { } exited)
        {
            resource.StoppedAt = Timestamp.FromDateTimeOffset(exited);
        }

        if (instance.AppPort is { } port)
        {
            resource.Urls.Add(Url("http", $"http://{instance.App.AppChannelAddress}:{port}", 0));
        }

        resource.Properties.Add(Property("dapr.appId", "App id", Value.ForString(instance.App.AppId), highlighted: true));
        if (process is not null)
        {
            resource.Properties.Add(Property("executable.pid", "Process id", Value.ForNumber(process.Id)));
            resource.Properties.Add(Property("executable.path", "Command", Value.ForString(instance.App.Command[0])));
            resource.Properties.Add(Property("executable.args", "Arguments", Value.ForList(instance.App.Command.Skip(1).Select(Value.ForString).ToArray())));
            if (process.Exited.IsCompleted)
            {
                resource.Properties.Add(Property("resource.exitCode", "Exit code", Value.ForNumber(process.Exited.Result)));
            }
        }

        resource.Properties.Add(Property("executable.workDir", "Working directory", Value.ForString(instance.App.AppDirPath)));
        resource.Properties.Add(Property("runner.restarts", "Restarts", Value.ForNumber(instance.Restarts), highlighted: true));
        foreach (var (variable, value) in instance.ProcessEnvironment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var environmentVariable = new EnvironmentVariable { Name = variable, IsFromSpec = true };
            if (SecretMask.Value(variable, value) is { } shown)
            {
                environmentVariable.Value = shown;
            }

            resource.Environment.Add(environmentVariable);
        }

        // Health is that of a running process; an exited one has none.
        if (channel is not null && process is { Exited.IsCompleted: false })
        {
            resource.HealthReports.Add(new HealthReport
            {
                Key = "app channel",
                Status = channel.IsHealthy ? HealthStatus.Healthy : HealthStatus.Unhealthy,
                Description = channel.IsHealthy
                    ? $"the sidecar reaches the app at {channel.BaseAddress}"
                    : $"the sidecar does not reach the app at {channel.BaseAddress} (yet)",
            });
        }

        if (process is not null)
        {
            resource.Commands.Add(new ResourceCommand
            {
                Name = RestartCommand,
                DisplayName = "Restart",
                DisplayDescription = "Stops the app's process and starts it again; its sidecar keeps running",
                IconName = "ArrowCounterclockwise",
                IsHighlighted = true,
                State = instance.IsRestarting ? ResourceCommandState.Disabled : ResourceCommandState.Enabled,
            });
        }

        resource.Relationships.Add(new ResourceRelationship { ResourceName = ResourceNames.Sidecar(instance), Type = "Reference" });
        return resource;
    }

    private (string State, string Style) AppState(AppInstance instance, AppProcess? process, Invocation.AppChannel? channel)
    {
        if (instance.IsRestarting)
        {
            return ("Restarting", "info");
        }

        if (process is null)
        {
            return ("NotStarted", "info");
        }

        if (process.Exited.IsCompleted)
        {
            return ("Exited", process.Exited.Result == 0 ? "info" : "error");
        }

        if (channel is null || channel.IsHealthy)
        {
            _becameHealthy.Add((instance.Name, process.Id));
        }

        return _becameHealthy.Contains((instance.Name, process.Id))
            ? (instance.Restarts > 0 ? "Restarted" : "Running", "success")
            : ("Starting", "info");
    }

    private static Resource SidecarResource(AppInstance instance)
    {
        var name = ResourceNames.Sidecar(instance);
        var sidecar = instance.Sidecar;
        var channel = sidecar.Context.AppChannel;
        var exited = sidecar.Stopped.IsCompleted;
        var resource = new Resource
        {
            Name = name,
            Uid = name,
            ResourceType = ResourceNames.SidecarType,
            DisplayName = name,
            State = exited ? "Exited" : "Running",
            StateStyle = exited ? "info" : "success",
            CreatedAt = Timestamp.FromDateTimeOffset(instance.CreatedAt),
            StartedAt = Timestamp.FromDateTimeOffset(instance.CreatedAt),
        };
        resource.Urls.Add(Url("http", sidecar.HttpEndpoint.ToString().TrimEnd('/'), 0));
        resource.Urls.Add(Url("grpc", sidecar.GrpcEndpoint.ToString().TrimEnd('/'), 1));
        resource.Urls.Add(Url("internal", $"http://127.0.0.1:{sidecar.InternalPort}", 2, isInternal: true));
        if (sidecar.MetricsPort is { } metricsPort)
        {
            resource.Urls.Add(Url("metrics", $"http://localhost:{metricsPort}/metrics", 3));
        }

        var options = sidecar.Context.Options;
        resource.Properties.Add(Property("dapr.appId", "App id", Value.ForString(sidecar.AppId), highlighted: true));
        resource.Properties.Add(Property("dapr.httpPort", "Dapr HTTP port", Value.ForNumber(sidecar.HttpPort), highlighted: true));
        resource.Properties.Add(Property("dapr.grpcPort", "Dapr gRPC port", Value.ForNumber(sidecar.GrpcPort), highlighted: true));
        resource.Properties.Add(Property("dapr.internalPort", "Sidecar-to-sidecar port", Value.ForNumber(sidecar.InternalPort), highlighted: true));
        if (sidecar.MetricsPort is { } metrics)
        {
            resource.Properties.Add(Property("dapr.metricsPort", "Metrics port", Value.ForNumber(metrics), highlighted: true));
        }
        if (options.AppPort is { } appPort)
        {
            resource.Properties.Add(Property("dapr.appPort", "App port", Value.ForNumber(appPort), highlighted: true));
        }

        var components = sidecar.Context.Components.All
            .Select(c => $"{c.Spec.Name} ({c.Spec.Type}/{c.Spec.Version})")
            .Order(StringComparer.Ordinal)
            .Select(Value.ForString)
            .ToArray();
        resource.Properties.Add(Property("dapr.components", "Components", Value.ForList(components), highlighted: true));
        resource.Properties.Add(Property("dapr.resourcesPaths", "Resources paths", Value.ForList(options.ResourcesPaths.Select(Value.ForString).ToArray()), highlighted: true));
        if (options.ConfigPath is { } config)
        {
            resource.Properties.Add(Property("dapr.config", "Configuration", Value.ForString(config), highlighted: true));
        }

        resource.Properties.Add(Property("dapr.logLevel", "Log level", Value.ForString(options.LogLevel.ToString()), highlighted: true));
        resource.Properties.Add(Property("dapr.apiToken", "API token required", Value.ForBool(options.ApiToken is not null), highlighted: true));
        if (!exited)
        {
            var ready = channel is null || channel.IsHealthy;
            resource.HealthReports.Add(new HealthReport
            {
                Key = "healthz",
                Status = ready ? HealthStatus.Healthy : HealthStatus.Unhealthy,
                Description = ready ? "GET /v1.0/healthz answers 204" : "GET /v1.0/healthz answers 500 ERR_HEALTH_NOT_READY: the app is not reachable",
            });
        }

        if (HasApp(instance))
        {
            resource.Relationships.Add(new ResourceRelationship { ResourceName = ResourceNames.App(instance), Type = "Reference" });
        }

        return resource;
    }

    private static bool HasApp(AppInstance instance) => instance.Process is not null || instance.AppPort is not null;

    private static Url Url(string name, string url, int order, bool isInternal = false) => new()
    {
        EndpointName = name,
        FullUrl = url,
        IsInternal = isInternal,
        DisplayProperties = new UrlDisplayProperties { SortOrder = order, DisplayName = name },
    };

    private static ResourceProperty Property(string name, string displayName, Value value, bool highlighted = false) => new()
    {
        Name = name,
        DisplayName = displayName,
        Value = value,
        IsHighlighted = highlighted,
    };
}
