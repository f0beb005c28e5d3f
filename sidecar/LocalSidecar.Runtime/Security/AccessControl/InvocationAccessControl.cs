using LocalSidecar.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LocalSidecar.Security.AccessControl;

/// <summary>The callee side of access control: decides an invocation that arrived from another sidecar by the identity
/// in that sidecar's verified client certificate (never by a header: without mTLS there is no identity and the global
/// default applies, as in daprd).</summary>
public sealed class InvocationAccessControl
{
    private static readonly HashSet<string> Verbs = new(StringComparer.Ordinal)
    {
        "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
    };

    private readonly AccessControlList? _acl;
    private readonly bool _mtls;
    private readonly ILogger _logger;

    public InvocationAccessControl(SidecarContext context)
    {
        var isHttp = context.Options.AppProtocol is "http" or "https" or "h2c";
        _acl = AccessControlList.Build(context.Configuration.AccessControl, isHttp);
        _mtls = context.Identity is not null;
        _logger = context.LoggerFactory.CreateLogger("LocalSidecar.AccessControl");
    }

    /// <summary>The caller's identity: the SPIFFE id of the client certificate the TLS handshake verified.</summary>
    public SpiffeId? CallerOf(HttpContext http) =>
        _mtls && http.Connection.ClientCertificate is { } certificate ? SvidVerifier.IdentityOf(certificate, out _) : null;

    /// <returns>Null when the call may proceed; otherwise daprd's denial message.</returns>
    /// <param name="operation">The invoked method, as it will be dispatched to the app (path, no query).</param>
    public string? Deny(HttpContext http, string operation)
    {
        if (_acl is null)
        {
            return null;
        }

        var verb = Verbs.Contains(http.Request.Method) ? http.Request.Method : "NONE";
        var denial = _acl.Deny(CallerOf(http), operation, verb);
        if (denial is not null)
        {
            _logger.LogDebug("{Denial}", denial);
        }

        return denial;
    }
}
