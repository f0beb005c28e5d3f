using System.Collections.Concurrent;
using LocalSidecar.NameResolution;

namespace LocalSidecar.Hosting;

/// <summary>What the sidecars hosted in one process share: name resolution and process-wide component state
/// (such as the <c>pubsub.in-memory</c> broker). Tests create their own to stay isolated from each other.</summary>
public sealed class SidecarEnvironment
{
    private readonly ConcurrentDictionary<string, object> _shared = new(StringComparer.Ordinal);

    public SidecarEnvironment(INameResolver nameResolver) => NameResolver = nameResolver;

    /// <summary>The default for a process: name resolution through the machine-wide registry folder, so sidecars in
    /// different processes find each other as they would through mDNS.</summary>
    public static SidecarEnvironment Process { get; } = new(new FileNameResolver(FileNameResolver.DefaultDirectory));

    public INameResolver NameResolver { get; }

    /// <summary>One shared instance per key for this environment, created on first use.</summary>
    public T Shared<T>(string key, Func<T> create) where T : class =>
        (T)_shared.GetOrAdd($"{typeof(T).FullName}/{key}", _ => create());
}
