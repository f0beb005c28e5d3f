using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace LocalSidecar.Security;

/// <summary>Verifies a peer's X.509-SVID as Dapr does through go-spiffe: the chain leads to one of the trust anchors
/// and is valid now, and the leaf is a workload certificate (one URI SAN holding a valid SPIFFE id, not a CA,
/// DigitalSignature, no CertSign or CRLSign).</summary>
/// <param name="knownIntermediates">Issuer certificates to build chains with besides those the peer sends (a resumed or
/// sparse handshake may not carry them); never trusted by themselves.</param>
public sealed class SvidVerifier(X509Certificate2Collection trustAnchors, X509Certificate2Collection? knownIntermediates = null, TimeProvider? time = null)
{
    private const string SubjectAlternativeNameOid = "2.5.29.17";
    private static readonly Asn1Tag UriName = new(TagClass.ContextSpecific, 6);

    /// <summary>The peer's identity, or null with <paramref name="error"/> saying why it is refused.</summary>
    /// <param name="presented">The certificates the peer sent after its leaf (intermediates).</param>
    public SpiffeId? Verify(X509Certificate2? leaf, IEnumerable<X509Certificate2> presented, out string error)
    {
        if (leaf is null)
        {
            error = "the peer presented no certificate";
            return null;
        }

        if (IdentityOf(leaf, out error) is not { } id)
        {
            return null;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trustAnchors);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = (time ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        foreach (var certificate in presented.Concat(knownIntermediates ?? []))
        {
            if (!certificate.RawDataMemory.Span.SequenceEqual(leaf.RawDataMemory.Span))
            {
                chain.ChainPolicy.ExtraStore.Add(certificate);
            }
        }

        if (!chain.Build(leaf))
        {
            var problems = chain.ChainStatus.Where(s => s.Status != X509ChainStatusFlags.NoError).Select(s => s.Status.ToString()).Distinct();
            error = $"x509svid: could not verify leaf certificate of {id}: {string.Join(", ", problems)}";
            return null;
        }

        error = "";
        return id;
    }

    /// <summary>The SPIFFE id in a certificate that has the shape of an X.509-SVID leaf; the chain is not checked.</summary>
    public static SpiffeId? IdentityOf(X509Certificate2 leaf, out string error)
    {
        var basic = leaf.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
        if (basic is { CertificateAuthority: true })
        {
            error = "x509svid: leaf certificate must not have CA flag set to true";
            return null;
        }

        var usage = leaf.Extensions.OfType<X509KeyUsageExtension>().FirstOrDefault()?.KeyUsages ?? X509KeyUsageFlags.None;
        if ((usage & X509KeyUsageFlags.DigitalSignature) == 0)
        {
            error = "x509svid: leaf certificate must have 'digitalSignature' set as key usage";
            return null;
        }

        if ((usage & (X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign)) != 0)
        {
            error = "x509svid: leaf certificate must not have 'keyCertSign' or 'cRLSign' set as key usage";
            return null;
        }

        var uris = UriNames(leaf);
        if (uris.Count != 1)
        {
            error = uris.Count == 0 ? "x509svid: certificate contains no URI SAN" : "x509svid: certificate contains more than one URI SAN";
            return null;
        }

        return SpiffeId.TryParse(uris[0], out var id, out error) ? id : null;
    }

    private static List<string> UriNames(X509Certificate2 certificate)
    {
        var names = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value != SubjectAlternativeNameOid)
            {
                continue;
            }

            try
            {
                var sequence = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
                while (sequence.HasData)
                {
                    if (sequence.PeekTag().HasSameClassAndValue(UriName))
                    {
                        names.Add(sequence.ReadCharacterString(UniversalTagNumber.IA5String, UriName));
                    }
                    else
                    {
                        sequence.ReadEncodedValue();
                    }
                }
            }
            catch (AsnContentException)
            {
                return [];
            }
        }

        return names;
    }
}
