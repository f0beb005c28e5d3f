using LocalSidecar.Components;
using LocalSidecar.Components.Configuration;
using LocalSidecar.Security;
using LocalSidecar.Security.AccessControl;

namespace LocalSidecar.Tests.Security;

/// <summary>daprd's evaluation order and parse rules for <c>spec.accessControl</c> (facts §2.1, §2.3), including the
/// cases only a unit test reaches (gRPC callees, a verb-less call, other trust domains).</summary>
public sealed class AccessControlListTests
{
    private static readonly SpiffeId Ordering = new("public", "default", "ordering");

    [Fact]
    public void No_section_or_an_empty_one_means_no_access_control()
    {
        Assert.Null(AccessControlList.Build(AccessControlSpec.None, isHttp: true));
        Assert.Null(AccessControlList.Build(new AccessControlSpec("", "", []), isHttp: true));
    }

    [Theory]
    [InlineData("", "public", false, "deny")] // only a trust domain, no policies key
    [InlineData("", "public", true, "allow")] // an explicit empty list
    [InlineData("ALLOW", "", true, "allow")]
    [InlineData("Deny", "", true, "deny")]
    public void The_global_default_follows_daprd(string defaultAction, string trustDomain, bool emptyList, string expected)
    {
        var acl = AccessControlList.Build(new AccessControlSpec(defaultAction, trustDomain, emptyList ? [] : null), isHttp: true)!;
        Assert.Equal(expected, acl.DefaultAction);
        Assert.Equal(expected == "allow", acl.Deny(Ordering, "anything", "GET") is null);
    }

    [Fact]
    public void A_policy_in_another_trust_domain_or_namespace_is_ignored_for_the_global_default()
    {
        var acl = Build("allow", Policy("ordering", "cluster.local", "default", "deny"), Policy("payments", "public", "prod", "deny"));
        Assert.Null(acl.Deny(Ordering, "x", "GET"));
        Assert.Null(acl.Deny(new SpiffeId("public", "default", "payments"), "x", "GET"));
        Assert.NotNull(acl.Deny(new SpiffeId("cluster.local", "default", "ordering"), "x", "GET"));
        Assert.NotNull(acl.Deny(new SpiffeId("public", "prod", "payments"), "x", "GET"));
    }

    [Fact]
    public void A_call_without_a_verb_on_an_http_callee_takes_the_policy_default_even_empty()
    {
        var withDefault = Build("deny", Policy("ordering", "public", "default", "allow", Operation("/op", "deny", "*")));
        var withoutDefault = Build("allow", Policy("ordering", "public", "default", "", Operation("/op", "allow", "*")));
        Assert.Null(withDefault.Deny(Ordering, "op", "NONE"));
        Assert.Equal("access control policy has denied access to id: spiffe://public/ns/default/ordering operation: op verb: NONE", withoutDefault.Deny(Ordering, "op", "NONE"));
    }

    [Fact]
    public void A_grpc_callee_is_case_sensitive_and_ignores_verbs()
    {
        var acl = Build("deny", [Policy("ordering", "public", "default", "", Operation("/pkg.Service/Method", "allow"))], isHttp: false);
        Assert.Null(acl.Deny(Ordering, "pkg.Service/Method", "NONE"));
        Assert.Null(acl.Deny(Ordering, "/pkg.Service/Method", "POST"));
        Assert.NotNull(acl.Deny(Ordering, "pkg.service/method", "NONE"));
    }

    [Fact]
    public void An_empty_action_denies_and_actions_compare_without_case()
    {
        var acl = Build("allow", Policy("ordering", "public", "default", "ALLOW", Operation("/quiet", "", "GET"), Operation("/loud", "Allow", "POST")));
        Assert.NotNull(acl.Deny(Ordering, "quiet", "GET"));
        Assert.Null(acl.Deny(Ordering, "loud", "POST"));
        Assert.Null(acl.Deny(Ordering, "elsewhere", "GET"));
    }

    [Fact]
    public void The_last_policy_of_an_app_and_namespace_wins()
    {
        var acl = Build("deny", Policy("ordering", "public", "default", "allow"), Policy("ordering", "public", "default", "deny"));
        Assert.NotNull(acl.Deny(Ordering, "x", "GET"));
    }

    [Fact]
    public void Incomplete_policies_fail_with_daprds_message()
    {
        var e = Assert.Throws<ResourceException>(() => Build("deny",
            Policy("ordering", "", "default", "allow"), Policy("payments", "public", "", "allow"), Policy("", "public", "default", "allow")));
        Assert.Contains("invalid access control spec. missing trustdomain for apps: [ordering], missing namespace for apps: [payments], missing app name on at least one of the app policies: true", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_configuration_loader_reads_the_section_and_tells_a_missing_policies_key_from_an_empty_list()
    {
        var folder = Path.Combine(Path.GetTempPath(), "sidecart-acl", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var file = Path.Combine(folder, "config.yaml");
            File.WriteAllText(file, """
                apiVersion: dapr.io/v1alpha1
                kind: Configuration
                metadata: {name: c}
                spec:
                  mtls: {enabled: true, workloadCertTTL: 1h30m, allowedClockSkew: 0s}
                  accessControl:
                    defaultAction: deny
                    trustDomain: public
                    policies:
                    - appId: ordering
                      trustDomain: public
                      namespace: default
                      operations:
                      - {name: /products/*, httpVerb: [GET, POST], action: allow}
                """);
            var spec = ConfigurationLoader.Load(file);
            Assert.True(spec.Mtls.Enabled);
            Assert.Equal(TimeSpan.FromMinutes(90), spec.Mtls.WorkloadCertTtl);
            Assert.Equal(TimeSpan.Zero, spec.Mtls.AllowedClockSkew);
            var policy = Assert.Single(spec.AccessControl.Policies!);
            Assert.Equal(["GET", "POST"], Assert.Single(policy.Operations).HttpVerbs);

            File.WriteAllText(file, "apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata: {name: c}\nspec:\n  accessControl:\n    trustDomain: public\n");
            Assert.Null(ConfigurationLoader.Load(file).AccessControl.Policies);
            Assert.False(ConfigurationLoader.Load(file).Mtls.Enabled);

            File.WriteAllText(file, "apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata: {name: c}\nspec:\n  mtls: {enabled: true, workloadCertTTL: soon}\n");
            Assert.Contains("workloadCertTTL", Assert.Throws<ResourceException>(() => ConfigurationLoader.Load(file)).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static AccessControlList Build(string defaultAction, params AppPolicySpec[] policies) => Build(defaultAction, policies, isHttp: true);

    private static AccessControlList Build(string defaultAction, AppPolicySpec[] policies, bool isHttp) =>
        AccessControlList.Build(new AccessControlSpec(defaultAction, "public", policies), isHttp)!;

    private static AppPolicySpec Policy(string appId, string trustDomain, string @namespace, string defaultAction, params AppOperationSpec[] operations) =>
        new(appId, @namespace, trustDomain, defaultAction, operations);

    private static AppOperationSpec Operation(string name, string action, params string[] verbs) => new(name, verbs, action);
}
