using LocalSidecar.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace LocalSidecar.Security;

/// <summary>How the sidecar's internal listener is secured: TLS with client certificates when the sidecar has a
/// workload identity (mTLS on), plain otherwise.</summary>
public static class InternalHopSecurity
{
    public static ListenOptions WithInternalHopSecurity(this ListenOptions listen, SidecarContext context)
    {
        if (context.Identity is { } identity)
        {
            listen.UseWorkloadIdentity(identity, context.LoggerFactory.CreateLogger("LocalSidecar.Security"));
        }

        return listen;
    }
}
