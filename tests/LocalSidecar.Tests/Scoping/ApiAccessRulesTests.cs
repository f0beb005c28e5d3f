using LocalSidecar.Api;
using LocalSidecar.Api.Grpc;
using LocalSidecar.Components.Configuration;

namespace LocalSidecar.Tests.Scoping;

/// <summary>The Configuration's <c>spec.api</c> rules as daprd matches them, for HTTP routes and gRPC methods.</summary>
public sealed class ApiAccessRulesTests
{
    private static ApiAccessSpec Spec(ApiAccessRule[]? allowed = null, ApiAccessRule[]? denied = null) => new(allowed ?? [], denied ?? []);

    [Theory]
    [InlineData("v1", "/v1.0/state/{storeName}/{key}", true)]
    [InlineData("v1.0", "/v1.0/state/{storeName}/{key}", true)]
    [InlineData("v1", "/v1.0-alpha1/state/{storeName}/query", false)]
    [InlineData("v1alpha1", "/v1.0-alpha1/state/{storeName}/query", true)]
    [InlineData("v1", "/v1.0/publish/{pubsub}/{**topic}", false)]
    public void An_http_rule_matches_by_group_or_by_url_prefix(string version, string route, bool matches)
    {
        var access = new HttpApiAccess(Spec(denied: [new ApiAccessRule("state", version, "http")]));
        Assert.Equal(!matches, access.Allows(route, "GET"));
    }

    [Fact]
    public void Health_is_always_served_and_deny_wins()
    {
        var rule = new ApiAccessRule("healthz", "v1", "http");
        var access = new HttpApiAccess(Spec(allowed: [new ApiAccessRule("state", "v1", "HTTP")], denied: [rule, new ApiAccessRule("state", "v1", "http")]));
        Assert.True(access.Allows("/v1.0/healthz", "GET"));
        Assert.True(access.Allows("/v1.0/healthz/outbound", "GET"));
        Assert.False(access.Allows("/v1.0/state/{storeName}", "POST"));
        Assert.False(access.Allows("/v1.0/metadata", "GET"));
        Assert.False(access.AllowsInvoke);
    }

    [Fact]
    public void Grpc_rules_name_groups_of_rpcs_and_compare_the_protocol_exactly()
    {
        var access = new GrpcApiAccess(Spec(allowed: [new ApiAccessRule("state", "v1", "grpc"), new ApiAccessRule("publish", "v1", "GRPC")]));
        Assert.True(access.Allows("/dapr.proto.runtime.v1.Dapr/GetState"));
        Assert.False(access.Allows("/dapr.proto.runtime.v1.Dapr/PublishEvent"));
        Assert.False(access.Allows("/dapr.proto.runtime.v1.Dapr/GetMetadata"));
        Assert.True(access.Allows("/TaskHubSidecarService/GetWorkItems"));
        Assert.True(new GrpcApiAccess(Spec(denied: [new ApiAccessRule("state", "v1", "http")])).IsOpen);
    }

    [Fact]
    public void The_configuration_loader_reads_both_lists()
    {
        using var folder = new TempFolder();
        var file = folder.Write("config.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata: {name: appconfig}
            spec:
              api:
                allowed:
                - {name: state, version: v1.0, protocol: http}
                denied:
                - {name: publish, version: v1, protocol: grpc}
            """);
        var api = LocalSidecar.Components.ConfigurationLoader.Load(file).Api;
        Assert.Equal([new ApiAccessRule("state", "v1.0", "http")], api.Allowed);
        Assert.Equal([new ApiAccessRule("publish", "v1", "grpc")], api.Denied);
        Assert.Same(ApiAccessSpec.AllowAll, LocalSidecar.Components.ConfigurationLoader.Load(null).Api);
    }
}
