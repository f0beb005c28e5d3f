using System.Collections.Concurrent;
using LocalSidecar.Security;

namespace LocalSidecar.Invocation;

/// <summary>The clients one sidecar uses to reach other sidecars: one plain <see cref="SidecarHopClient"/> without
/// mTLS; with mTLS one client per target app (connections are pooled per app, each verified to be that app's sidecar).
/// URLs stay <c>http://</c>: TLS is set up by the connection callback.</summary>
public sealed class SidecarHop(WorkloadIdentity? identity) : IDisposable
{
    private readonly ConcurrentDictionary<string, HttpClient> _clients = new(StringComparer.Ordinal);

    /// <summary>The client for calls to <paramref name="appId"/> in <paramref name="namespace"/> (this sidecar's own when null).</summary>
    public HttpClient For(string appId, string? @namespace = null)
    {
        if (identity is null)
        {
            return _clients.GetOrAdd("", _ => SidecarHopClient.Create());
        }

        var ns = @namespace ?? identity.Id.Namespace;
        return _clients.GetOrAdd($"{appId}||{ns}", _ =>
            SidecarHopClient.Create((context, token) => InternalHopTls.ConnectAsync(identity, ns, appId, context.DnsEndPoint, token)));
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }
}
