using System.Security.Cryptography.X509Certificates;

namespace LocalSidecar.Security;

/// <summary>Sidecar-to-sidecar mTLS for one sidecar (daprd's <c>--enable-mtls</c>): where its workload certificate
/// comes from (<see cref="Sentry"/>), which roots it trusts, and the Sentry settings of <c>spec.mtls</c>.</summary>
public sealed record MtlsOptions(WorkloadCertificateAuthority Sentry)
{
    /// <summary>Peers must chain to these (<c>DAPR_TRUST_ANCHORS</c>); by default the authority's root.</summary>
    public X509Certificate2Collection TrustAnchors { get; init; } = Sentry.TrustAnchors;

    /// <summary>This sidecar's namespace (<c>NAMESPACE</c>, default <c>default</c>).</summary>
    public string Namespace { get; init; } = SpiffeId.DefaultNamespace;

    /// <summary><c>spec.mtls.workloadCertTTL</c>, default 24h.</summary>
    public TimeSpan WorkloadCertTtl { get; init; } = TimeSpan.FromHours(24);

    /// <summary><c>spec.mtls.allowedClockSkew</c>, default 15m: how far NotBefore is back-dated.</summary>
    public TimeSpan AllowedClockSkew { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The namespace daprd reads from <c>NAMESPACE</c>, <c>default</c> when unset.</summary>
    public static string NamespaceFrom(Func<string, string?> environment) =>
        environment("NAMESPACE") is { Length: > 0 } ns ? ns : SpiffeId.DefaultNamespace;
}
