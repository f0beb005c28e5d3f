using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace LocalSidecar.Security;

/// <summary>TLS on the sidecar-to-sidecar hop, both ends, as daprd configures its internal gRPC server and dialer:
/// each side presents its current workload certificate; the callee requires a client certificate chaining to its trust
/// anchors and accepts any valid SPIFFE id (access control decides later); the caller checks the callee's SPIFFE id
/// path is <c>/ns/&lt;namespace&gt;/&lt;app id&gt;</c> of the app it meant to reach (the trust domain is not checked).</summary>
public static class InternalHopTls
{
    private const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>Serves <paramref name="listen"/> over TLS with required client certificates.</summary>
    public static void UseWorkloadIdentity(this ListenOptions listen, WorkloadIdentity identity, ILogger logger) =>
        listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = connection => ValueTask.FromResult(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = identity.Current.Context,
                ClientCertificateRequired = true,
                // Every connection proves its certificate afresh (a resumed session would skip expiry and rotation).
                AllowTlsResume = false,
                EnabledSslProtocols = Protocols,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
                {
                    if (identity.Verifier.Verify(AsCertificate2(certificate), Presented(chain), out var refusal) is not null)
                    {
                        return true;
                    }

                    logger.LogWarning("Refused the peer {RemoteEndPoint} on the internal port: {Refusal}", connection.Connection.RemoteEndPoint?.ToString(), refusal);
                    return false;
                },
            }),
        });

    /// <summary>Opens a TLS connection to a sidecar that must prove to be <paramref name="expected"/>; the failure
    /// names what the peer presented instead.</summary>
    public static async ValueTask<Stream> ConnectAsync(WorkloadIdentity identity, string expectedNamespace, string expectedAppId, System.Net.DnsEndPoint endpoint, CancellationToken cancellationToken)
    {
        var expectedPath = $"/ns/{expectedNamespace}/{expectedAppId}";
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        SslStream? tls = null;
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken);
            tls = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
            string refusal = "";
            try
            {
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    // Sidecar certificates carry no DNS name; the SPIFFE id below is what identifies the peer.
                    TargetHost = expectedAppId,
                    ClientCertificateContext = identity.Current.Context,
                    AllowTlsResume = false,
                    EnabledSslProtocols = Protocols,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    ApplicationProtocols = [SslApplicationProtocol.Http11],
                    RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
                    {
                        var peer = identity.Verifier.Verify(AsCertificate2(certificate), Presented(chain), out var error);
                        if (peer is null)
                        {
                            refusal = error;
                            return false;
                        }

                        if (peer.Path != expectedPath)
                        {
                            refusal = $"expected peer SPIFFE ID path {expectedPath}, got {peer}";
                            return false;
                        }

                        return true;
                    },
                }, cancellationToken);
            }
            catch (AuthenticationException e)
            {
                throw new AuthenticationException(refusal.Length > 0 ? $"mTLS handshake with {endpoint.Host}:{endpoint.Port} refused: {refusal}" : $"mTLS handshake with {endpoint.Host}:{endpoint.Port} failed: {e.Message}", e);
            }

            return tls;
        }
        catch
        {
            if (tls is not null)
            {
                await tls.DisposeAsync();
            }
            else
            {
                socket.Dispose();
            }

            throw;
        }
    }

    private static X509Certificate2? AsCertificate2(X509Certificate? certificate) => certificate switch
    {
        null => null,
        X509Certificate2 c2 => c2,
        _ => X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()),
    };

    /// <summary>What the peer sent beside its leaf, as the platform collected it.</summary>
    private static IEnumerable<X509Certificate2> Presented(X509Chain? chain) =>
        chain is null ? [] : chain.ChainPolicy.ExtraStore.Cast<X509Certificate2>().Concat(chain.ChainElements.Select(e => e.Certificate));
}
