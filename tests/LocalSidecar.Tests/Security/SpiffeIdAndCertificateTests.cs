using System.Security.Cryptography.X509Certificates;
using LocalSidecar.Hosting;
using LocalSidecar.Security;

namespace LocalSidecar.Tests.Security;

/// <summary>SPIFFE ids as Dapr parses them, workload certificates as Sentry issues them, and daprd's refusal to start
/// with mTLS on and no trust anchors.</summary>
public sealed class SpiffeIdAndCertificateTests
{
    [Theory]
    [InlineData("spiffe://public/ns/default/ordering", "public", "default", "ordering")]
    [InlineData("spiffe://cluster.local/ns/shop/catalog/extra", "cluster.local", "shop", "catalog")]
    public void Valid_ids_parse(string text, string trustDomain, string @namespace, string appId)
    {
        Assert.True(SpiffeId.TryParse(text, out var id, out _));
        Assert.Equal(new SpiffeId(trustDomain, @namespace, appId), id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("https://public/ns/default/ordering")]
    [InlineData("spiffe:///ns/default/ordering")]
    [InlineData("spiffe://Public/ns/default/ordering")]
    [InlineData("spiffe://public:443/ns/default/ordering")]
    [InlineData("spiffe://public/ns/default")]
    [InlineData("spiffe://public/namespace/default/ordering")]
    [InlineData("spiffe://public/ns//ordering")]
    [InlineData("spiffe://public/ns/default/ordering/")]
    [InlineData("spiffe://public/ns/default/ordering?x=1")]
    public void Invalid_ids_do_not(string text)
    {
        Assert.False(SpiffeId.TryParse(text, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void A_workload_certificate_looks_like_sentrys_and_verifies_against_its_root_only()
    {
        using var sentry = WorkloadCertificateAuthority.CreateNew();
        using var other = WorkloadCertificateAuthority.CreateNew();
        var id = new SpiffeId("public", "default", "ordering");
        using var certificate = sentry.Issue(id, TimeSpan.FromHours(24), TimeSpan.FromMinutes(15));

        var leaf = certificate.Leaf;
        Assert.Equal("", leaf.Subject);
        using (var key = leaf.GetECDsaPublicKey())
        {
            Assert.Equal("1.2.840.10045.3.1.7", key!.ExportParameters(false).Curve.Oid.Value); // P-256
        }

        Assert.False(leaf.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, leaf.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages);
        Assert.True(leaf.Extensions["2.5.29.17"]!.Critical);
        Assert.InRange((leaf.NotAfter - leaf.NotBefore).TotalSeconds, (24 * 60 + 15) * 60 - 2, (24 * 60 + 15) * 60 + 2);
        Assert.Equal(certificate.NotBefore + (certificate.NotAfter - certificate.NotBefore) / 2, certificate.RenewAt);
        Assert.True(leaf.HasPrivateKey);

        Assert.Equal(id, new SvidVerifier(sentry.TrustAnchors).Verify(leaf, certificate.Issuers, out _));
        Assert.Null(new SvidVerifier(other.TrustAnchors).Verify(leaf, certificate.Issuers, out var error));
        Assert.Contains("could not verify", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Issuer_credentials_written_as_sentry_writes_them_load_back_and_sign_for_the_same_root()
    {
        using var sentry = WorkloadCertificateAuthority.CreateNew();
        var folder = Path.Combine(Path.GetTempPath(), "sidecart-issuer", Guid.NewGuid().ToString("N"));
        try
        {
            Assert.Contains("does not exist", Assert.Throws<InvalidOperationException>(() => WorkloadCertificateAuthority.Load(folder)).Message, StringComparison.Ordinal);
            sentry.WriteCredentials(folder);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, "issuer.key")));
            }

            using var loaded = WorkloadCertificateAuthority.Load(folder);
            using var certificate = loaded.Issue(new SpiffeId("public", "default", "catalog"), TimeSpan.FromHours(1), TimeSpan.Zero);
            Assert.NotNull(new SvidVerifier(sentry.TrustAnchors).Verify(certificate.Leaf, certificate.Issuers, out _));
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public void A_standalone_sidecar_with_mtls_on_and_no_trust_anchors_does_not_start()
    {
        var e = Assert.Throws<ArgumentException>(() => SidecarCommandLine.Parse(["--app-id", "ordering", "--enable-mtls"], _ => null));
        Assert.Contains("trust anchors are required", e.Message, StringComparison.Ordinal);

        using var sentry = WorkloadCertificateAuthority.CreateNew();
        var pem = sentry.TrustAnchors[0].ExportCertificatePem();
        var noIssuer = Assert.Throws<ArgumentException>(() => SidecarCommandLine.Parse(["--app-id", "ordering", "--enable-mtls"], v => v == "DAPR_TRUST_ANCHORS" ? pem : null));
        Assert.Contains("--issuer-credentials", noIssuer.Message, StringComparison.Ordinal);

        Assert.Null(SidecarCommandLine.Parse(["--app-id", "ordering"], _ => null).Mtls);

        var folder = Path.Combine(Path.GetTempPath(), "sidecart-issuer", Guid.NewGuid().ToString("N"));
        try
        {
            sentry.WriteCredentials(folder);
            string? Environment(string name) => name switch { "DAPR_TRUST_ANCHORS" => pem, "NAMESPACE" => "shop", _ => null };
            var mtls = SidecarCommandLine.Parse(["--app-id", "ordering", "--enable-mtls", "--issuer-credentials", folder], Environment).Mtls!;
            Assert.Equal("shop", mtls.Namespace);
            Assert.Equal(sentry.TrustAnchors[0].Thumbprint, Assert.Single(mtls.TrustAnchors).Thumbprint);
            using var certificate = mtls.Sentry.Issue(new SpiffeId("public", mtls.Namespace, "ordering"), mtls.WorkloadCertTtl, mtls.AllowedClockSkew);
            Assert.NotNull(new SvidVerifier(mtls.TrustAnchors).Verify(certificate.Leaf, certificate.Issuers, out _));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
