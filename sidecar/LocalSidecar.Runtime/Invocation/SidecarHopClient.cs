using System.Net.Http;

namespace LocalSidecar.Invocation;

/// <summary>The HTTP client for the sidecar-to-sidecar hop (service invocation and actor routing): pooled connections,
/// no redirects, cookies or proxies, no client timeout (callers pass their deadline as a cancellation token).</summary>
public static class SidecarHopClient
{
    /// <param name="connect">Opens the connection (the mTLS handshake); a plain TCP connection when null.</param>
    public static HttpClient Create(Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>>? connect = null)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            // No HttpClient diagnostics handler: the sidecar sets traceparent on each hop itself, and the handler would
            // start an activity of its own under the sidecar's span on every call.
            ActivityHeadersPropagator = null,
        };
        if (connect is not null)
        {
            handler.ConnectCallback = connect;
        }

        return new HttpClient(handler)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }
}
