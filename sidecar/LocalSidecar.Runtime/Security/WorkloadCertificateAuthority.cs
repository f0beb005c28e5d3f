using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LocalSidecar.Security;

/// <summary>What Sentry does for the sidecars of one run: holds a root (the trust anchor) and an issuer certificate
/// with its key, and signs workload certificates as Sentry signs them (ECDSA P-256, empty subject, the SPIFFE id as the
/// only URI SAN, DigitalSignature, server and client auth, not a CA, NotBefore back-dated by the clock skew).</summary>
public sealed class WorkloadCertificateAuthority : IDisposable
{
    /// <summary>Sentry's <c>--trust-domain</c> default, used for its own identity on the issuer.</summary>
    public const string DefaultControlPlaneTrustDomain = "localhost";

    private static readonly TimeSpan CaLifetime = TimeSpan.FromDays(365);
    private static readonly TimeSpan CaClockSkew = TimeSpan.FromMinutes(15);

    private readonly X509Certificate2 _issuer;
    private readonly TimeProvider _time;

    private WorkloadCertificateAuthority(X509Certificate2Collection trustAnchors, X509Certificate2 issuer, X509Certificate2Collection issuerChain, TimeProvider time)
    {
        TrustAnchors = trustAnchors;
        _issuer = issuer;
        IssuerChain = issuerChain;
        _time = time;
    }

    /// <summary>The root certificates peers verify against (Dapr's <c>DAPR_TRUST_ANCHORS</c>).</summary>
    public X509Certificate2Collection TrustAnchors { get; }

    /// <summary>The issuer and any certificates between it and the root, sent after the leaf.</summary>
    public X509Certificate2Collection IssuerChain { get; }

    /// <summary>A fresh root and issuer, as Sentry generates them on first start when it has no credentials.</summary>
    public static WorkloadCertificateAuthority CreateNew(string controlPlaneTrustDomain = DefaultControlPlaneTrustDomain, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var now = time.GetUtcNow();
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootName = new X500DistinguishedNameBuilder();
        rootName.AddOrganizationName(controlPlaneTrustDomain);
        var rootRequest = CaRequest(rootName.Build(), rootKey);
        using var rootWithKey = rootRequest.CreateSelfSigned(now - CaClockSkew, now + CaLifetime);
        var root = X509CertificateLoader.LoadCertificate(rootWithKey.RawData);

        using var issuerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var issuerName = new X500DistinguishedNameBuilder();
        issuerName.AddOrganizationName($"spiffe://{controlPlaneTrustDomain}/ns/{SpiffeId.DefaultNamespace}/dapr-sentry");
        var issuerRequest = CaRequest(issuerName.Build(), issuerKey);
        using var issuerPublic = issuerRequest.Create(rootWithKey, now - CaClockSkew, now + CaLifetime, RandomSerial());
        var issuer = issuerPublic.CopyWithPrivateKey(issuerKey);
        return new WorkloadCertificateAuthority([root], issuer, [X509CertificateLoader.LoadCertificate(issuer.RawData)], time);
    }

    /// <summary>Loads Sentry's issuer credentials: <c>ca.crt</c> (the trust anchors), <c>issuer.crt</c> (the issuer,
    /// optionally followed by intermediates) and <c>issuer.key</c> (its private key, PEM).</summary>
    public static WorkloadCertificateAuthority Load(string directory, TimeProvider? time = null)
    {
        string File(string name)
        {
            var path = Path.Combine(directory, name);
            return System.IO.File.Exists(path)
                ? path
                : throw new InvalidOperationException($"issuer credentials: '{path}' does not exist (expected ca.crt, issuer.crt and issuer.key in {directory})");
        }

        try
        {
            var anchors = new X509Certificate2Collection();
            anchors.ImportFromPemFile(File("ca.crt"));
            var chain = new X509Certificate2Collection();
            chain.ImportFromPemFile(File("issuer.crt"));
            var issuer = X509Certificate2.CreateFromPemFile(File("issuer.crt"), File("issuer.key"));
            if (anchors.Count == 0 || chain.Count == 0)
            {
                throw new InvalidOperationException("ca.crt and issuer.crt must each hold at least one PEM certificate");
            }

            return new WorkloadCertificateAuthority(anchors, issuer, chain, time ?? TimeProvider.System);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new InvalidOperationException($"issuer credentials in {directory} cannot be read: {e.Message}", e);
        }
    }

    /// <summary>Signs a new workload certificate for <paramref name="id"/> over a freshly generated key, valid from
    /// now − <paramref name="allowedClockSkew"/> to now + <paramref name="ttl"/>.</summary>
    public WorkloadCertificate Issue(SpiffeId id, TimeSpan ttl, TimeSpan allowedClockSkew)
    {
        var now = _time.GetUtcNow();
        return Issue(id, now - allowedClockSkew, now + ttl);
    }

    /// <summary>Signs a workload certificate with explicit validity (tests use it for expired certificates).</summary>
    public WorkloadCertificate Issue(SpiffeId id, DateTimeOffset notBefore, DateTimeOffset notAfter) =>
        Sign(new Uri(id.ToString()), notBefore, notAfter, id);

    /// <summary>Signs a leaf whose URI SAN is <paramref name="uriSan"/> whatever it holds (tests use it for certificates
    /// that are not valid SVIDs).</summary>
    public WorkloadCertificate Sign(Uri? uriSan, DateTimeOffset notBefore, DateTimeOffset notAfter, SpiffeId? id = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName(""), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1"), new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2")], false));
        if (uriSan is not null)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddUri(uriSan);
            // An empty subject makes the SAN extension critical (RFC 5280), as Go writes it.
            request.CertificateExtensions.Add(san.Build(critical: true));
        }

        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_issuer, true, false));
        using var signed = request.Create(_issuer, notBefore, notAfter, RandomSerial());
        return new WorkloadCertificate(signed.CopyWithPrivateKey(key), IssuerChain, id ?? new SpiffeId("", "", ""));
    }

    /// <summary>Writes ca.crt, issuer.crt and issuer.key into <paramref name="directory"/> (the key readable by the
    /// owner only), as Sentry writes its generated credentials on first start.</summary>
    public void WriteCredentials(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "ca.crt"), string.Concat(TrustAnchors.Select(c => c.ExportCertificatePem() + "\n")));
        File.WriteAllText(Path.Combine(directory, "issuer.crt"), string.Concat(IssuerChain.Select(c => c.ExportCertificatePem() + "\n")));
        var keyPath = Path.Combine(directory, "issuer.key");
        using (var key = File.Create(keyPath))
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            using var writer = new StreamWriter(key);
            using var ecdsa = _issuer.GetECDsaPrivateKey() ?? throw new InvalidOperationException("the issuer key is not ECDSA");
            writer.Write(ecdsa.ExportECPrivateKeyPem());
        }
    }

    public void Dispose() => _issuer.Dispose();

    private static CertificateRequest CaRequest(X500DistinguishedName name, ECDsa key)
    {
        var request = new CertificateRequest(name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request;
    }

    /// <summary>Up to 128 random bits, positive, as Sentry's serials.</summary>
    private static byte[] RandomSerial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        return serial;
    }
}
