using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LocalSidecar.Security;

/// <summary>mTLS for a sidecar started from the command line, as daprd takes it: <c>--enable-mtls</c>, the trust
/// anchors in <c>DAPR_TRUST_ANCHORS</c> (PEM; daprd refuses to start without them) and <c>NAMESPACE</c>. daprd then asks
/// Sentry for its certificate; the local sidecar, which has no Sentry to call, signs its own with Sentry's issuer
/// credentials (<c>--issuer-credentials &lt;dir&gt;</c>: ca.crt, issuer.crt, issuer.key).</summary>
public static class MtlsCommandLine
{
    public static MtlsOptions? Options(bool enabled, string? issuerCredentials, Func<string, string?> environment)
    {
        if (!enabled)
        {
            return null;
        }

        if (environment("DAPR_TRUST_ANCHORS") is not { Length: > 0 } pem)
        {
            throw new ArgumentException("--enable-mtls: trust anchors are required: set DAPR_TRUST_ANCHORS to the PEM of the root certificate(s) (Sentry's ca.crt)");
        }

        var anchors = new X509Certificate2Collection();
        try
        {
            anchors.ImportFromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException($"--enable-mtls: DAPR_TRUST_ANCHORS is not PEM certificates: {e.Message}");
        }

        if (anchors.Count == 0)
        {
            throw new ArgumentException("--enable-mtls: DAPR_TRUST_ANCHORS holds no PEM certificate");
        }

        if (issuerCredentials is null)
        {
            throw new ArgumentException("--enable-mtls: the local sidecar has no Sentry to request its certificate from; give Sentry's issuer credentials with --issuer-credentials <dir> (ca.crt, issuer.crt, issuer.key)");
        }

        WorkloadCertificateAuthority sentry;
        try
        {
            sentry = WorkloadCertificateAuthority.Load(issuerCredentials);
        }
        catch (InvalidOperationException e)
        {
            throw new ArgumentException($"--issuer-credentials: {e.Message}");
        }

        return new MtlsOptions(sentry) { TrustAnchors = anchors, Namespace = MtlsOptions.NamespaceFrom(environment) };
    }
}
