using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace LocalSidecar.Security;

/// <summary>A workload certificate (X.509-SVID) with its private key and the issuer chain sent beside it in TLS.</summary>
public sealed class WorkloadCertificate : IDisposable
{
    public WorkloadCertificate(X509Certificate2 leaf, X509Certificate2Collection issuers, SpiffeId id)
    {
        Leaf = leaf;
        Issuers = issuers;
        Id = id;
        Context = SslStreamCertificateContext.Create(leaf, issuers, offline: true);
    }

    public X509Certificate2 Leaf { get; }

    public X509Certificate2Collection Issuers { get; }

    public SpiffeId Id { get; }

    /// <summary>The leaf with its chain, for either side of a TLS handshake.</summary>
    public SslStreamCertificateContext Context { get; }

    public DateTimeOffset NotBefore => Leaf.NotBefore.ToUniversalTime();

    public DateTimeOffset NotAfter => Leaf.NotAfter.ToUniversalTime();

    /// <summary>When Dapr renews: half-way through the certificate's validity.</summary>
    public DateTimeOffset RenewAt => NotBefore + (NotAfter - NotBefore) / 2;

    public void Dispose() => Leaf.Dispose();
}
