using LocalSidecar.Hosting;
using LocalSidecar.NameResolution;
using Microsoft.Extensions.Logging.Abstractions;

namespace Sidecar.Bench;

/// <summary>Local sidecars started in-process, as the runner starts them, with an in-memory pub/sub component and,
/// when asked, an in-memory actor state store.</summary>
public sealed class BenchSidecars : IAsyncDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sidecart-bench", Guid.NewGuid().ToString("N"));
    private readonly List<LocalSidecar.Hosting.Sidecar> _started = [];
    private readonly SidecarEnvironment _environment;
    private readonly string? _configPath;

    /// <param name="actorStateStore">adds <c>statestore</c>, the actor state store: in memory, or SQLite when
    /// <paramref name="sqlite"/> (a file in this bench's temp folder).</param>
    /// <param name="configuration">a Configuration (YAML) every sidecar here is started with.</param>
    public BenchSidecars(bool actorStateStore = false, bool sqlite = false, string? configuration = null)
    {
        Directory.CreateDirectory(Path.Combine(_root, "resources"));
        if (configuration is not null)
        {
            _configPath = Path.Combine(_root, "config.yaml");
            File.WriteAllText(_configPath, configuration);
        }

        File.WriteAllText(Path.Combine(_root, "resources", "pubsub.yaml"), """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: pubsub
            spec:
              type: pubsub.in-memory
              version: v1
              metadata: []
            """);
        if (actorStateStore)
        {
            var store = sqlite
                ? $"type: state.sqlite\n  version: v1\n  metadata:\n  - {{name: connectionString, value: \"{Path.Combine(_root, "state.db")}\"}}\n"
                : "type: state.in-memory\n  version: v1\n  metadata:\n";
            File.WriteAllText(Path.Combine(_root, "resources", "statestore.yaml"),
                "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: statestore\nspec:\n  " + store + "  - {name: actorStateStore, value: \"true\"}\n");
        }

        _environment = new SidecarEnvironment(new FileNameResolver(Path.Combine(_root, "names")));
    }

    /// <param name="daprHttpPort">0 picks a free port; an app that must know its sidecar before it starts picks one.</param>
    public async Task<LocalSidecar.Hosting.Sidecar> StartAsync(string appId, int? appPort, int daprHttpPort = 0)
    {
        var sidecar = await LocalSidecar.Hosting.Sidecar.StartAsync(new SidecarOptions
        {
            AppId = appId,
            AppPort = appPort,
            DaprHttpPort = daprHttpPort,
            DaprInternalPort = 0,
            ResourcesPaths = [Path.Combine(_root, "resources")],
            ConfigPath = _configPath,
            WorkingDirectory = _root,
            Environment = _environment,
            LoggerFactory = NullLoggerFactory.Instance,
        });
        _started.Add(sidecar);
        using var client = new HttpClient { BaseAddress = sidecar.HttpEndpoint };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await client.GetAsync("/v1.0/healthz")).StatusCode != System.Net.HttpStatusCode.NoContent)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"sidecar {appId} did not become ready");
            }

            await Task.Delay(20);
        }

        return sidecar;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var sidecar in _started)
        {
            await sidecar.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }
}
