using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sidecart.Testing;

namespace LocalSidecar.Tests.State;

/// <summary>A redis-server that speaks only TLS (Debian's build has it), with a server certificate from a throwaway CA
/// and client certificates required, plus a client certificate from the same CA, as PEM text for the component's
/// <c>clientCert</c> / <c>clientKey</c>.</summary>
public sealed class RedisTlsServer : IAsyncDisposable
{
    private readonly string _folder;
    private readonly Process _process;

    private RedisTlsServer(string folder, Process process, int port, string clientCertificate, string clientKey)
    {
        _folder = folder;
        _process = process;
        Host = $"127.0.0.1:{port}";
        ClientCertificatePem = clientCertificate;
        ClientKeyPem = clientKey;
    }

    public string Host { get; }

    public string ClientCertificatePem { get; }

    public string ClientKeyPem { get; }

    public static async Task<RedisTlsServer> StartAsync()
    {
        var folder = Directory.CreateTempSubdirectory("sidecart-redis-tls-").FullName;
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=sidecart test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        var (serverCertificate, serverKey) = Issue(ca, "CN=localhost", server: true);
        var (clientCertificate, clientKey) = Issue(ca, "CN=sidecar", server: false);
        await File.WriteAllTextAsync(Path.Combine(folder, "ca.pem"), ca.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(folder, "server.pem"), serverCertificate);
        await File.WriteAllTextAsync(Path.Combine(folder, "server.key"), serverKey);

        var port = FreePort.Next();
        var start = new ProcessStartInfo("redis-server") { WorkingDirectory = folder, RedirectStandardOutput = true };
        foreach (var argument in new[]
                 {
                     "--port", "0", "--tls-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--tls-cert-file", "server.pem", "--tls-key-file", "server.key", "--tls-ca-cert-file", "ca.pem",
                     "--tls-auth-clients", "yes", "--dir", folder, "--save", "", "--appendonly", "no",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var output = new List<string>();
        while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
        {
            output.Add(line);
            if (line.Contains("Ready to accept connections", StringComparison.Ordinal))
            {
                _ = process.StandardOutput.ReadToEndAsync();
                return new RedisTlsServer(folder, process, port, clientCertificate, clientKey);
            }
        }

        process.Kill();
        throw new InvalidOperationException("redis-server with TLS did not start:" + Environment.NewLine + string.Join(Environment.NewLine, output));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static (string Certificate, string Key) Issue(X509Certificate2 ca, string subject, bool server)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(System.Net.IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        using var certificate = request.Create(ca, ca.NotBefore, ca.NotAfter, RandomNumberGenerator.GetBytes(8));
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }
}
