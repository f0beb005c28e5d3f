namespace LocalSidecar.NameResolution;

/// <summary>Finds the sidecar-to-sidecar (internal) addresses of every live instance of an app id.</summary>
public interface INameResolver
{
    IAsyncDisposable Register(SidecarAddress address);

    IReadOnlyList<SidecarAddress> Resolve(string appId);
}

/// <summary>Where one sidecar instance accepts calls from other sidecars.</summary>
public sealed record SidecarAddress(string AppId, string InstanceId, string Host, int InternalPort, int ProcessId)
{
    public Uri InternalBaseUri => new($"http://{Host}:{InternalPort}");
}
