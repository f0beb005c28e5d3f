using LocalSidecar.Hosting;
using LocalSidecar.NameResolution;
using Microsoft.Extensions.Logging.Abstractions;

namespace Sidecart.Testing;

/// <summary>
/// In-process local sidecars for one test system: a fresh temp root folder (resources, name resolution, working
/// directory) and a <see cref="SidecarEnvironment"/> the sidecars share, so they find each other. Everything started
/// or <see cref="Track{T}">tracked</see> here is disposed in reverse order, then the root folder is deleted.
/// </summary>
public sealed class LocalSidecars : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly Func<SidecarOptions, SidecarOptions>? _configure;

    /// <param name="folder">the folder under the temp path this system's root goes in (one root per instance).</param>
    /// <param name="configure">adjusts the options of every sidecar started here (e.g. internal port, graceful shutdown).</param>
    public LocalSidecars(string folder, Func<SidecarOptions, SidecarOptions>? configure = null)
    {
        Root = Path.Combine(Path.GetTempPath(), folder, Guid.NewGuid().ToString("N"));
        Environment = new SidecarEnvironment(new FileNameResolver(Path.Combine(Root, "names")));
        _configure = configure;
    }

    public string Root { get; }

    /// <summary>The default resources folder, <c>resources</c> under <see cref="Root"/> (created by the caller).</summary>
    public string ResourcesPath => Path.Combine(Root, "resources");

    public SidecarEnvironment Environment { get; }

    /// <summary>Writes the components most app tests run on into <see cref="ResourcesPath"/>: <c>statestore</c>
    /// (state.in-memory, also the actor state store) and <c>pubsub</c> (pubsub.in-memory).</summary>
    public async Task WriteInMemoryComponentsAsync()
    {
        Directory.CreateDirectory(ResourcesPath);
        await File.WriteAllTextAsync(Path.Combine(ResourcesPath, "components.yaml"), """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata: {name: statestore}
            spec:
              type: state.in-memory
              version: v1
              metadata:
              - {name: actorStateStore, value: "true"}
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata: {name: pubsub}
            spec: {type: pubsub.in-memory, version: v1, metadata: []}
            """);
    }

    /// <summary>Starts a sidecar for <paramref name="appId"/> (no app when <paramref name="appPort"/> is null) on a free
    /// HTTP port, reading components from <paramref name="resourcesPath"/> (default <see cref="ResourcesPath"/>).</summary>
    public async Task<Sidecar> StartAsync(string appId, int? appPort, string? resourcesPath = null)
    {
        var options = new SidecarOptions
        {
            AppId = appId,
            AppPort = appPort,
            DaprHttpPort = 0,
            ResourcesPaths = [resourcesPath ?? ResourcesPath],
            WorkingDirectory = Root,
            Environment = Environment,
            LoggerFactory = NullLoggerFactory.Instance,
        };
        var sidecar = await Sidecar.StartAsync(_configure is null ? options : _configure(options));
        _owned.Add(sidecar);
        return sidecar;
    }

    /// <summary>Stops a sidecar started here now rather than at disposal.</summary>
    public async Task StopAsync(Sidecar sidecar)
    {
        ArgumentNullException.ThrowIfNull(sidecar);
        _owned.Remove(sidecar);
        await sidecar.DisposeAsync();
    }

    /// <summary>Disposes <paramref name="disposable"/> with the sidecars, in reverse order of starting and tracking.</summary>
    public T Track<T>(T disposable) where T : IAsyncDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }

        Directory.Delete(Root, recursive: true);
    }
}
