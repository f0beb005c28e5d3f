using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Conformance.Harness;
using LocalSidecar.NameResolution;
using LocalSidecar.Security;
using Sidecart.Testing;

namespace Conformance;

/// <summary>Sidecar-to-sidecar mTLS (dapr-security-k8s-facts.md §1.6): the callee's internal port speaks TLS, requires a
/// client certificate chaining to the run's trust anchors that is a valid X.509-SVID; the caller accepts only the
/// callee it meant (SPIFFE id path); certificates are renewed half-way and calls keep working.</summary>
public sealed class MtlsConformanceTests
{
    private static readonly SpiffeId CallerId = new("public", "default", "caller");

    [Fact]
    public async Task A_caller_sidecar_with_a_certificate_of_the_run_reaches_the_app_and_its_id_comes_from_the_certificate()
    {
        await using var system = await SecureInvocation.StartAsync(accessControl: null);
        var caller = await system.StartCallerAsync("caller");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1.0/invoke/callee/method/hello");
        request.Headers.Add("dapr-caller-app-id", "someone-else");
        using var response = await caller.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("app:GET:/hello", await response.Content.ReadAsStringAsync());
        var received = await system.App.WaitForAsync(r => r.Path == "/hello");
        Assert.Equal("caller", received.Header("dapr-caller-app-id"));
    }

    [Fact]
    public async Task The_right_certificate_from_a_raw_client_is_accepted()
    {
        await using var system = await SecureInvocation.StartAsync(accessControl: null);
        using var certificate = system.Sentry!.Issue(CallerId, TimeSpan.FromHours(1), TimeSpan.Zero);
        using var client = system.RawInternalClient(certificate);

        using var response = await client.GetAsync("/_internal/invoke/hello");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("app:GET:/hello", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Every_new_connection_between_two_sidecars_is_verified_and_accepted()
    {
        await using var system = await SecureInvocation.StartAsync(accessControl: null);
        using var certificate = system.Sentry!.Issue(CallerId, TimeSpan.FromHours(1), TimeSpan.Zero);

        // Fresh clients, one connection each, with the same certificate: no handshake may depend on an earlier one.
        for (var i = 0; i < 5; i++)
        {
            using var client = system.RawInternalClient(certificate);
            using var response = await client.GetAsync($"/_internal/invoke/round-{i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Concurrent_calls_open_several_verified_connections_that_all_succeed()
    {
        await using var system = await SecureInvocation.StartAsync(accessControl: null);
        var caller = await system.StartCallerAsync("caller");

        // Concurrency makes the caller open several connections, the later ones after a first handshake: each must
        // verify on its own (a resumed TLS session carries no issuer chain to verify with).
        var statuses = await Task.WhenAll(Enumerable.Range(0, 24).Select(async i =>
        {
            using var response = await caller.Client.GetAsync($"/v1.0/invoke/callee/method/parallel-{i}");
            return response.StatusCode;
        }));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
    }

    [Fact]
    public async Task A_peer_without_a_certificate_is_refused()
    {
        await using var system = await SecureInvocation.StartAsync(accessControl: null);
        using var client = system.RawInternalClient(certificate: null);

        await AssertRefusedAsync(system, client);
    }

    [Fact]
    public async Task A_plain_http_peer_is_refused()
    {
        await using var system = await SecureInvocation.StartAsync(accessControl: null);
        using var client = system.PlainInternalClient();

        await AssertRefusedAsync(system, client);
    }

    [Fact]
    public async Task A_certificate_of_another_authority_is_refused()
    {
        await using var system = await SecureInvocation.StartAsync(accessControl: null);
        using var stranger = WorkloadCertificateAuthority.CreateNew();
        using var certificate = stranger.Issue(CallerId, TimeSpan.FromHours(1), TimeSpan.Zero);
        using var client = system.RawInternalClient(certificate);

        await AssertRefusedAsync(system, client);
    }

    [Fact]
    public async Task A_sidecar_whose_certificate_comes_from_another_authority_cannot_invoke()
    {
        await using var system = await SecureInvocation.StartAsync(accessControl: null);
        using var stranger = WorkloadCertificateAuthority.CreateNew();
        var caller = await system.StartCallerAsync("caller", sentry: stranger);

        using var response = await caller.Client.GetAsync("/v1.0/invoke/callee/method/hello");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("ERR_DIRECT_INVOKE", await ErrorCodeAsync(response));
        Assert.DoesNotContain(system.App.ReceivedFromCallers, r => r.Path == "/hello");
    }

    [Fact]
    public async Task An_expired_certificate_of_the_run_is_refused()
    {
        await using var system = await SecureInvocation.StartAsync(accessControl: null);
        var now = DateTimeOffset.UtcNow;
        // Within the authority's own validity (back-dated 15 minutes), over before the call.
        using var certificate = system.Sentry!.Issue(CallerId, now.AddMinutes(-10), now.AddMinutes(-5));
        using var client = system.RawInternalClient(certificate);

        await AssertRefusedAsync(system, client);
    }

    [Fact]
    public async Task A_certificate_that_is_not_yet_valid_is_refused()
    {
        await using var system = await SecureInvocation.StartAsync(accessControl: null);
        var now = DateTimeOffset.UtcNow;
        using var certificate = system.Sentry!.Issue(CallerId, now.AddHours(1), now.AddHours(2));
        using var client = system.RawInternalClient(certificate);

        await AssertRefusedAsync(system, client);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("spiffe://public/caller")]
    [InlineData("spiffe://public/ns/default")]
    [InlineData("spiffe://public/ns//caller")]
    [InlineData("spiffe://public")]
    [InlineData("spiffe://public/ns/default/caller?role=admin")]
    [InlineData("spiffe://public/ns/default/ca%20ller")]
    [InlineData("https://public/ns/default/caller")]
    public async Task A_certificate_of_the_run_without_a_valid_spiffe_id_is_refused(string? uriSan)
    {
        await using var system = await SecureInvocation.StartAsync(accessControl: null);
        var now = DateTimeOffset.UtcNow;
        using var certificate = system.Sentry!.Sign(uriSan is null ? null : new Uri(uriSan), now.AddMinutes(-1), now.AddHours(1));
        using var client = system.RawInternalClient(certificate);

        await AssertRefusedAsync(system, client);
    }

    [Fact]
    public async Task The_caller_refuses_a_sidecar_that_is_not_the_app_it_meant_to_reach()
    {
        await using var system = await SecureInvocation.StartAsync(accessControl: null);
        var caller = await system.StartCallerAsync("caller");
        // Name resolution (the hostile part) sends calls for "payments" to callee's sidecar.
        await using var _ = system.Environment.NameResolver.Register(
            new SidecarAddress("payments", "impostor", "127.0.0.1", system.Callee.Sidecar.InternalPort, Environment.ProcessId));

        using var response = await caller.Client.GetAsync("/v1.0/invoke/payments/method/authorize");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal("ERR_DIRECT_INVOKE", await ErrorCodeAsync(response));
        Assert.Contains("expected peer SPIFFE ID path /ns/default/payments, got spiffe://public/ns/default/callee", body, StringComparison.Ordinal);
        Assert.DoesNotContain(system.App.ReceivedFromCallers, r => r.Path == "/authorize");
    }

    [Fact]
    public async Task Certificates_are_renewed_half_way_with_new_keys_and_calls_keep_working_after_the_first_ones_expired()
    {
        static MtlsOptions ShortLived(MtlsOptions o) => o with { WorkloadCertTtl = TimeSpan.FromSeconds(4), AllowedClockSkew = TimeSpan.Zero };
        await using var system = await SecureInvocation.StartAsync(accessControl: null, certificates: ShortLived);
        var caller = await system.StartCallerAsync("caller", certificates: ShortLived);
        var calleeIdentity = system.Callee.Sidecar.Context.Identity!;
        var callerIdentity = caller.Sidecar.Context.Identity!;
        var calleeFirst = calleeIdentity.Current;
        var callerFirst = callerIdentity.Current;

        await Eventually.UntilAsync(
            () => Task.FromResult(DateTimeOffset.UtcNow > calleeFirst.NotAfter && DateTimeOffset.UtcNow > callerFirst.NotAfter
                && calleeIdentity.Current.Leaf.SerialNumber != calleeFirst.Leaf.SerialNumber
                && callerIdentity.Current.Leaf.SerialNumber != callerFirst.Leaf.SerialNumber),
            done => done, "both first certificates to expire after being renewed", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100));

        // A new handshake with the caller's renewed certificate; the callee presents its renewed one.
        var renewed = callerIdentity.Current;
        Assert.Equal(callerFirst.Id, renewed.Id);
        Assert.NotEqual(callerFirst.Leaf.GetPublicKeyString(), renewed.Leaf.GetPublicKeyString());
        X509Certificate2? presented = null;
        using var client = new HttpClient(new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificateContext = callerIdentity.Current.Context,
                RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
                {
                    presented = certificate as X509Certificate2;
                    return system.IsRunCertificate(certificate, chain);
                },
            },
        }) { BaseAddress = new Uri($"https://127.0.0.1:{system.Callee.Sidecar.InternalPort}"), Timeout = TimeSpan.FromSeconds(30) };
        using (var direct = await client.GetAsync("/_internal/invoke/after-rotation"))
        {
            Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        }

        Assert.NotNull(presented);
        Assert.NotEqual(calleeFirst.Leaf.SerialNumber, presented.SerialNumber);
        Assert.True(presented.NotAfter.ToUniversalTime() > calleeFirst.NotAfter);

        using var response = await caller.Client.GetAsync("/v1.0/invoke/callee/method/through-sidecars");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Without_mtls_the_hop_is_plain_http()
    {
        await using var system = await SecureInvocation.StartAsync(accessControl: null, mtls: false);
        var caller = await system.StartCallerAsync("caller");
        using var client = system.PlainInternalClient();

        using var viaSidecar = await caller.Client.GetAsync("/v1.0/invoke/callee/method/hello");
        using var direct = await client.GetAsync("/_internal/invoke/direct");

        Assert.Equal(HttpStatusCode.OK, viaSidecar.StatusCode);
        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        Assert.Null(system.Callee.Sidecar.Context.Identity);
    }

    /// <summary>The connection fails (TLS refused) and the app sees nothing.</summary>
    private static async Task AssertRefusedAsync(SecureInvocation system, HttpClient client)
    {
        var path = $"/probe-{Guid.NewGuid():N}";
        await Assert.ThrowsAnyAsync<HttpRequestException>(async () =>
        {
            using var response = await client.GetAsync($"/_internal/invoke{path}");
        });
        Assert.DoesNotContain(system.App.ReceivedFromCallers, r => r.Path == path);
    }

    private static async Task<string?> ErrorCodeAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("errorCode").GetString();
    }
}
