using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using LocalSidecar.Hosting;
using LocalSidecar.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Conformance.Harness;

/// <summary>A callee sidecar (app id <c>callee</c> unless told, with a <see cref="TestApp"/> answering every path)
/// started with a given <c>spec.accessControl</c>, plus callers started on demand, all in one environment and, with
/// mTLS on, with workload certificates from one <see cref="Sentry"/>.</summary>
public sealed class SecureInvocation : IAsyncDisposable
{
    private readonly List<SidecarHarness> _callers = [];
    private readonly TempResources _config;

    private SecureInvocation(WorkloadCertificateAuthority? sentry, SidecarEnvironment environment, TestApp app, SidecarHarness callee, TempResources config)
    {
        Sentry = sentry;
        Environment = environment;
        App = app;
        Callee = callee;
        _config = config;
    }

    /// <summary>Null when mTLS is off.</summary>
    public WorkloadCertificateAuthority? Sentry { get; }

    public SidecarEnvironment Environment { get; }

    public TestApp App { get; }

    public SidecarHarness Callee { get; }

    /// <param name="accessControl">The <c>accessControl:</c> section (YAML starting at column 0); null for none.</param>
    public static async Task<SecureInvocation> StartAsync(string? accessControl, bool mtls = true, string calleeAppId = "callee", Func<MtlsOptions, MtlsOptions>? certificates = null)
    {
        SidecarHarness.RequireInProcess();
        var sentry = mtls ? WorkloadCertificateAuthority.CreateNew() : null;
        var environment = SidecarHarness.NewEnvironment();
        var config = new TempResources();
        var section = string.Join('\n', (accessControl ?? "").Split('\n').Select(line => "  " + line));
        config.Write("config.yaml", $"apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: callee\nspec:\n  mtls:\n    enabled: {(mtls ? "true" : "false")}\n{section}\n");
        var app = await TestApp.StartAsync(web => web.MapFallback("{**path}", (HttpRequest request) => Results.Text($"app:{request.Method}:{request.Path}")));
        try
        {
            var callee = await SidecarHarness.StartAsync(calleeAppId, app, environment: environment, configure: o => o with
            {
                ConfigPath = Path.Combine(config.Path, "config.yaml"),
                Mtls = sentry is null ? null : (certificates ?? (m => m))(new MtlsOptions(sentry)),
            });
            await callee.WaitReadyAsync();
            return new SecureInvocation(sentry, environment, app, callee, config);
        }
        catch
        {
            await app.DisposeAsync();
            sentry?.Dispose();
            config.Dispose();
            throw;
        }
    }

    /// <summary>A caller sidecar without an app, with a certificate from <paramref name="sentry"/> (the run's by default).</summary>
    public async Task<SidecarHarness> StartCallerAsync(string appId, string? @namespace = null, WorkloadCertificateAuthority? sentry = null, Func<MtlsOptions, MtlsOptions>? certificates = null)
    {
        var issuer = sentry ?? Sentry;
        var caller = await SidecarHarness.StartAsync(appId, environment: Environment, configure: o => o with
        {
            Mtls = issuer is null ? null : (certificates ?? (m => m))(new MtlsOptions(issuer) { Namespace = @namespace ?? SpiffeId.DefaultNamespace }),
        });
        _callers.Add(caller);
        return caller;
    }

    /// <summary>A client speaking straight to the callee's internal port over TLS, presenting <paramref name="certificate"/>
    /// (none when null) and trusting whatever the callee presents: a hostile peer, not a sidecar.</summary>
    public HttpClient RawInternalClient(WorkloadCertificate? certificate) =>
        new(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificateContext = certificate?.Context,
                RemoteCertificateValidationCallback = (_, presented, chain, _) => IsRunCertificate(presented, chain),
            },
            ConnectTimeout = TimeSpan.FromSeconds(10),
        })
        {
            BaseAddress = new Uri($"https://127.0.0.1:{Callee.Sidecar.InternalPort}"),
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>Whether a server certificate chains to this run's trust anchors (a hostile client still wants to know it
    /// talks to the callee).</summary>
    public bool IsRunCertificate(X509Certificate? presented, X509Chain? chain) =>
        Sentry is not null && presented is X509Certificate2 leaf
        && new SvidVerifier(Sentry.TrustAnchors).Verify(leaf, chain?.ChainPolicy.ExtraStore.Cast<X509Certificate2>().Concat(chain.ChainElements.Select(e => e.Certificate)).Concat(Sentry.IssuerChain) ?? Sentry.IssuerChain, out _) is not null;

    /// <summary>A plain-HTTP client on the callee's internal port.</summary>
    public HttpClient PlainInternalClient() =>
        new() { BaseAddress = new Uri($"http://127.0.0.1:{Callee.Sidecar.InternalPort}"), Timeout = TimeSpan.FromSeconds(30) };

    public async ValueTask DisposeAsync()
    {
        foreach (var caller in _callers)
        {
            await caller.DisposeAsync();
        }

        await Callee.DisposeAsync();
        await App.DisposeAsync();
        Sentry?.Dispose();
        _config.Dispose();
    }
}
