using System.Net;
using System.Text.Json;
using Conformance.Harness;
using Dapr.Client.Autogen.Grpc.v1;
using Grpc.Core;
using Grpc.Net.Client;
using LocalSidecar.Security;

namespace Conformance;

/// <summary>Service-invocation access control (dapr-security-k8s-facts.md §2): the callee's <c>spec.accessControl</c>
/// decides each call by the caller's SPIFFE id from its certificate, in daprd's order (global default, per-app policy by
/// app id and namespace, trust domain, the policy's default, operation rules by verb with <c>*</c>/<c>**</c>), and a
/// refusal is 403 <c>ERR_DIRECT_INVOKE</c> with daprd's message over HTTP, <c>Internal</c> over gRPC.</summary>
public sealed class AccessControlConformanceTests
{
    private const string ShopLikePolicies = """
        accessControl:
          defaultAction: deny
          trustDomain: public
          policies:
          - appId: ordering
            defaultAction: deny
            trustDomain: public
            namespace: default
            operations:
            - name: /products/*
              httpVerb: ['GET']
              action: allow
            - name: /payments/**
              httpVerb: ['POST']
              action: allow
            - name: /admin
              httpVerb: ['*']
              action: deny
            - name: /reports
              httpVerb: ['*']
              action: allow
            - name: /lowercase-verb
              httpVerb: ['get']
              action: allow
            - name: /no-verbs
              action: allow
            - name: /no-action
              httpVerb: ['GET']
          - appId: auditor
            defaultAction: allow
            trustDomain: public
            namespace: default
            operations:
            - name: /secrets/**
              httpVerb: ['*']
              action: deny
          - appId: staged
            defaultAction: allow
            trustDomain: public
            namespace: staging
          - appId: clustered
            defaultAction: allow
            trustDomain: cluster.local
            namespace: default
        """;

    public static TheoryData<string, string, string, bool> OrderingCalls => new()
    {
        { "GET", "products/HEADLAMP-400", "products/HEADLAMP-400", true },
        { "GET", "products", "products", true },
        { "GET", "Products/HEADLAMP-400", "Products/HEADLAMP-400", true },
        { "POST", "products/HEADLAMP-400", "products/HEADLAMP-400", false },
        { "DELETE", "products/HEADLAMP-400", "products/HEADLAMP-400", false },
        { "GET", "products/a/b", "products/a/b", false },
        { "POST", "payments/authorize", "payments/authorize", true },
        { "POST", "payments/refund/again", "payments/refund/again", true },
        { "GET", "payments/authorize", "payments/authorize", false },
        { "GET", "admin", "admin", false },
        { "DELETE", "admin/users/1", "admin/users/1", false },
        { "PUT", "reports/2026/q4", "reports/2026/q4", true },
        { "GET", "lowercase-verb", "lowercase-verb", false },
        { "GET", "no-verbs", "no-verbs", false },
        { "GET", "no-action", "no-action", false },
        { "GET", "anything-else", "anything-else", false },
        { "GET", "products/../admin", "admin", false },
    };

    [Theory]
    [MemberData(nameof(OrderingCalls))]
    public async Task Ordering_gets_what_its_policy_says_by_operation_and_verb(string verb, string method, string operation, bool allowed)
    {
        await using var system = await SecureInvocation.StartAsync(ShopLikePolicies);
        var ordering = await system.StartCallerAsync("ordering");

        await AssertDecisionAsync(system, ordering, verb, method, allowed, "spiffe://public/ns/default/ordering", operation);
    }

    [Fact]
    public async Task Each_caller_gets_its_own_policy_the_global_default_or_nothing_by_namespace_and_trust_domain()
    {
        await using var system = await SecureInvocation.StartAsync(ShopLikePolicies);
        var auditor = await system.StartCallerAsync("auditor");
        var stranger = await system.StartCallerAsync("stranger");
        var stagedInStaging = await system.StartCallerAsync("staged", @namespace: "staging");
        var stagedInDefault = await system.StartCallerAsync("staged");
        var clustered = await system.StartCallerAsync("clustered");

        // The policy's own default allows; its rule denies below /secrets.
        await AssertDecisionAsync(system, auditor, "GET", "reports/q1", true, "spiffe://public/ns/default/auditor");
        await AssertDecisionAsync(system, auditor, "POST", "secrets/db/password", false, "spiffe://public/ns/default/auditor");
        // No policy: the global default (deny).
        await AssertDecisionAsync(system, stranger, "GET", "products/HEADLAMP-400", false, "spiffe://public/ns/default/stranger");
        // The policy names the caller's namespace: a caller in staging reaches callee in default by "callee.default".
        await AssertDecisionAsync(system, stagedInStaging, "GET", "anything", true, "spiffe://public/ns/staging/staged", target: "callee.default");
        // The same app id in another namespace has no policy.
        await AssertDecisionAsync(system, stagedInDefault, "GET", "anything", false, "spiffe://public/ns/default/staged");
        // Self-hosted certificates are in trust domain public, so a cluster.local policy is ignored: the global default.
        await AssertDecisionAsync(system, clustered, "GET", "anything", false, "spiffe://public/ns/default/clustered");
    }

    [Fact]
    public async Task A_forged_caller_header_changes_nothing()
    {
        await using var system = await SecureInvocation.StartAsync(ShopLikePolicies);
        var stranger = await system.StartCallerAsync("stranger");

        // Through the stranger's own sidecar, claiming to be ordering.
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/v1.0/invoke/callee/method/products/HEADLAMP-400"))
        {
            request.Headers.Add("dapr-caller-app-id", "ordering");
            request.Headers.Add("dapr-caller-namespace", "default");
            using var response = await stranger.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal(Denial("spiffe://public/ns/default/stranger", "products/HEADLAMP-400", "GET"), await MessageAsync(response));
        }

        // Straight to the callee's internal port with the stranger's (valid) certificate, claiming to be ordering.
        using var certificate = system.Sentry!.Issue(new SpiffeId("public", "default", "stranger"), TimeSpan.FromHours(1), TimeSpan.Zero);
        using var client = system.RawInternalClient(certificate);
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/_internal/invoke/products/HEADLAMP-400"))
        {
            request.Headers.Add("dapr-caller-app-id", "ordering");
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        Assert.DoesNotContain(system.App.ReceivedFromCallers, r => r.Path.StartsWith("/products", StringComparison.Ordinal));

        // An allowed caller's forged header does not reach the app either: the app is told who the certificate says.
        using var auditorCertificate = system.Sentry.Issue(new SpiffeId("public", "default", "auditor"), TimeSpan.FromHours(1), TimeSpan.Zero);
        using var auditorClient = system.RawInternalClient(auditorCertificate);
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/_internal/invoke/reports/forged"))
        {
            request.Headers.Add("dapr-caller-app-id", "ordering");
            using var response = await auditorClient.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal("auditor", (await system.App.WaitForAsync(r => r.Path == "/reports/forged")).Header("dapr-caller-app-id"));
    }

    [Fact]
    public async Task A_refusal_over_grpc_InvokeService_is_Internal_with_daprds_message()
    {
        await using var system = await SecureInvocation.StartAsync(ShopLikePolicies);
        var ordering = await system.StartCallerAsync("ordering");
        using var channel = GrpcChannel.ForAddress(ordering.Sidecar.GrpcEndpoint);
        var client = new Dapr.Client.Autogen.Grpc.v1.Dapr.DaprClient(channel);

        var refused = await Assert.ThrowsAsync<RpcException>(() => client.InvokeServiceAsync(new InvokeServiceRequest
        {
            Id = "callee",
            Message = new InvokeRequest { Method = "admin/users", HttpExtension = new HTTPExtension { Verb = HTTPExtension.Types.Verb.Delete } },
        }).ResponseAsync);
        var allowed = await client.InvokeServiceAsync(new InvokeServiceRequest
        {
            Id = "callee",
            Message = new InvokeRequest { Method = "products/HEADLAMP-400", HttpExtension = new HTTPExtension { Verb = HTTPExtension.Types.Verb.Get } },
        });

        Assert.Equal(StatusCode.Internal, refused.StatusCode);
        Assert.Equal(Denial("spiffe://public/ns/default/ordering", "admin/users", "DELETE"), refused.Status.Detail);
        Assert.Equal("app:GET:/products/HEADLAMP-400", allowed.Data.Value.ToStringUtf8());
        Assert.DoesNotContain(system.App.ReceivedFromCallers, r => r.Path == "/admin/users");
    }

    [Fact]
    public async Task Without_mtls_there_is_no_identity_so_the_global_default_decides_every_call()
    {
        await using var system = await SecureInvocation.StartAsync(ShopLikePolicies, mtls: false);
        var ordering = await system.StartCallerAsync("ordering");
        using var client = system.PlainInternalClient();

        // ordering's policy would allow this; without mTLS the global deny applies, with an empty id.
        await AssertDecisionAsync(system, ordering, "GET", "products/HEADLAMP-400", false, "");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_internal/invoke/products/HEADLAMP-400");
        request.Headers.Add("dapr-caller-app-id", "ordering");
        using var direct = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, direct.StatusCode);
    }

    [Fact]
    public async Task Without_mtls_a_global_allow_lets_every_call_through_whatever_the_policies()
    {
        await using var system = await SecureInvocation.StartAsync("""
            accessControl:
              defaultAction: allow
              policies:
              - appId: ordering
                defaultAction: deny
                trustDomain: public
                namespace: default
            """, mtls: false);
        var ordering = await system.StartCallerAsync("ordering");

        await AssertDecisionAsync(system, ordering, "GET", "anything", true, "");
    }

    [Fact]
    public async Task With_mtls_the_same_policies_deny_ordering_and_allow_others()
    {
        await using var system = await SecureInvocation.StartAsync("""
            accessControl:
              defaultAction: allow
              policies:
              - appId: ordering
                defaultAction: deny
                trustDomain: public
                namespace: default
            """);
        var ordering = await system.StartCallerAsync("ordering");
        var other = await system.StartCallerAsync("other");

        await AssertDecisionAsync(system, ordering, "GET", "anything", false, "spiffe://public/ns/default/ordering");
        await AssertDecisionAsync(system, other, "GET", "anything", true, "spiffe://public/ns/default/other");
    }

    [Fact]
    public async Task Only_a_trust_domain_denies_everything_and_an_empty_policy_list_allows_everything()
    {
        await using (var trustDomainOnly = await SecureInvocation.StartAsync("accessControl:\n  trustDomain: public"))
        {
            var caller = await trustDomainOnly.StartCallerAsync("caller");
            await AssertDecisionAsync(trustDomainOnly, caller, "GET", "anything", false, "spiffe://public/ns/default/caller");
        }

        await using var emptyPolicies = await SecureInvocation.StartAsync("accessControl:\n  trustDomain: public\n  policies: []");
        var another = await emptyPolicies.StartCallerAsync("caller");
        await AssertDecisionAsync(emptyPolicies, another, "GET", "anything", true, "spiffe://public/ns/default/caller");
    }

    [Fact]
    public async Task A_policy_without_namespace_or_trust_domain_stops_the_sidecar_with_daprds_message()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => SecureInvocation.StartAsync("""
            accessControl:
              defaultAction: deny
              policies:
              - appId: ordering
                defaultAction: allow
            """));
        Assert.Contains("invalid access control spec. missing trustdomain for apps: [ordering], missing namespace for apps: [ordering], missing app name on at least one of the app policies: false", e.Message, StringComparison.Ordinal);
    }

    private static string Denial(string id, string operation, string verb, string target = "callee") =>
        $"failed to invoke, id: {target}, err: rpc error: code = PermissionDenied desc = access control policy has denied access to id: {id} operation: {operation} verb: {verb}";

    /// <summary>Invokes <paramref name="method"/> on callee through <paramref name="caller"/>'s HTTP API and checks daprd's
    /// answer: the app's when allowed; otherwise 403 ERR_DIRECT_INVOKE with daprd's message, and the app saw nothing.</summary>
    private static async Task AssertDecisionAsync(SecureInvocation system, SidecarHarness caller, string verb, string method, bool allowed, string callerId, string? operation = null, string target = "callee")
    {
        var marker = $"m{Guid.NewGuid():N}";
        using var response = await caller.Client.SendAsync(new HttpRequestMessage(new HttpMethod(verb), $"/v1.0/invoke/{target}/method/{method}?marker={marker}"));
        if (allowed)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(system.App.ReceivedFromCallers, r => r.Query.Contains(marker, StringComparison.Ordinal));
            return;
        }

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ERR_DIRECT_INVOKE", json.RootElement.GetProperty("errorCode").GetString());
        Assert.Equal(Denial(callerId, operation ?? method, verb, target), json.RootElement.GetProperty("message").GetString());
        Assert.DoesNotContain(system.App.ReceivedFromCallers, r => r.Query.Contains(marker, StringComparison.Ordinal));
    }

    private static async Task<string?> MessageAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("message").GetString();
    }
}
