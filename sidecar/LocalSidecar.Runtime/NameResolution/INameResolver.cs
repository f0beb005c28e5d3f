namespace LocalSidecar.NameResolution;

/// <summary>Finds the sidecar-to-sidecar (internal) addresses of every live instance of an app id.</summary>
public interface INameResolver
{
    /// <summary>Publishes <paramref name="address"/>; registering the same app and instance id again replaces the
    /// entry (how a sidecar announces its actor types once its app has told it).</summary>
    IAsyncDisposable Register(SidecarAddress address);

    IReadOnlyList<SidecarAddress> Resolve(string appId);

    /// <summary>Every live instance of every app id (actor placement looks for hosts of a type across apps).</summary>
    IReadOnlyList<SidecarAddress> ResolveAll();
}

/// <summary>Where one sidecar instance accepts calls from other sidecars.</summary>
public sealed record SidecarAddress(string AppId, string InstanceId, string Host, int InternalPort, int ProcessId)
{
    /// <summary>The actor types this instance's app hosts, once its sidecar is ready to serve them.</summary>
    public IReadOnlyList<string> ActorTypes { get; init; } = [];

    /// <summary>The public Dapr HTTP API port, for tools that act on behalf of an app (<c>LocalSidecar publish</c>).</summary>
    public int HttpPort { get; init; }

    public Uri InternalBaseUri => new($"http://{Host}:{InternalPort}");
}
