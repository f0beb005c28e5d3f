using System.Net;
using System.Text.Json.Nodes;
using Conformance.Harness;
using Sidecart.Testing;

namespace Conformance.Scoping;

/// <summary>Pub/sub topic scoping (https://docs.dapr.io/developing-applications/building-blocks/pubsub/pubsub-scopes/):
/// <c>publishingScopes</c>, <c>subscriptionScopes</c>, <c>allowedTopics</c> and <c>protectedTopics</c> on the component,
/// with daprd's 403 <c>ERR_PUBSUB_FORBIDDEN</c> on publish and no subscription for a topic the app may not receive.</summary>
public sealed class TopicScopingConformanceTests
{
    private static string ScopedPubSub(string metadata) => $"""
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: scoped
        spec:
          type: pubsub.in-memory
          version: v1
          metadata:
        {metadata}
        """;

    private static async Task<(SidecarHarness Sidecar, TempResources Folder)> StartAsync(string appId, string metadata)
    {
        SidecarHarness.RequireInProcess();
        var folder = new TempResources();
        folder.Write("scoped.yaml", ScopedPubSub(metadata));
        return (await SidecarHarness.StartAsync(appId, resourcesPaths: [folder.Path]), folder);
    }

    private static Task<HttpResponseMessage> PublishAsync(SidecarHarness sidecar, string topic) =>
        sidecar.Client.PostAsync($"/v1.0/publish/scoped/{topic}", Json.Body("""{"n":1}"""));

    [Fact]
    public async Task A_topic_outside_the_apps_publishing_scope_is_403_ERR_PUBSUB_FORBIDDEN_with_daprds_details()
    {
        var (sidecar, folder) = await StartAsync("orders", """
              - name: publishingScopes
                value: "orders=placed,cancelled;billing=invoiced"
            """);
        await using var _ = sidecar;
        using var __ = folder;

        using var allowed = await PublishAsync(sidecar, "placed");
        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);

        using var refused = await PublishAsync(sidecar, "invoiced");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var body = await Json.ReadAsync(refused);
        Assert.Equal("ERR_PUBSUB_FORBIDDEN", body["errorCode"]!.GetValue<string>());
        Assert.Equal("topic invoiced is not allowed for app id orders", body["message"]!.GetValue<string>());
        var details = body["details"]!.AsArray();
        var errorInfo = details.Single(d => d!["@type"]!.GetValue<string>() == "type.googleapis.com/google.rpc.ErrorInfo")!;
        Assert.Equal("DAPR_PUBSUB_FORBIDDEN", errorInfo["reason"]!.GetValue<string>());
        Assert.Equal("invoiced", errorInfo["metadata"]!["topic"]!.GetValue<string>());
        var resource = details.Single(d => d!["@type"]!.GetValue<string>() == "type.googleapis.com/google.rpc.ResourceInfo")!;
        Assert.Equal("scoped", resource["resource_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_app_listed_with_no_topics_may_publish_nothing()
    {
        var (sidecar, folder) = await StartAsync("muted", """
              - name: publishingScopes
                value: "muted=;other=placed"
            """);
        await using var _ = sidecar;
        using var __ = folder;
        using var response = await PublishAsync(sidecar, "placed");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task An_app_not_named_in_the_scopes_may_publish_every_unprotected_topic()
    {
        var (sidecar, folder) = await StartAsync("free", """
              - name: PUBLISHINGSCOPES
                value: "orders = placed"
            """);
        await using var _ = sidecar;
        using var __ = folder;
        using var response = await PublishAsync(sidecar, "anything");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task AllowedTopics_closes_every_other_topic_even_to_an_app_that_lists_it()
    {
        var (sidecar, folder) = await StartAsync("orders", """
              - name: allowedTopics
                value: "placed, shipped"
              - name: publishingScopes
                value: "orders=placed,secret"
            """);
        await using var _ = sidecar;
        using var __ = folder;
        using var inside = await PublishAsync(sidecar, "placed");
        Assert.Equal(HttpStatusCode.NoContent, inside.StatusCode);
        using var outside = await PublishAsync(sidecar, "secret");
        Assert.Equal(HttpStatusCode.Forbidden, outside.StatusCode);
        Assert.Equal("ERR_PUBSUB_FORBIDDEN", await Json.ErrorCodeAsync(outside));
    }

    [Theory]
    [InlineData("granted", HttpStatusCode.NoContent)]
    [InlineData("stranger", HttpStatusCode.Forbidden)]
    public async Task A_protected_topic_needs_an_explicit_grant(string appId, HttpStatusCode expected)
    {
        var (sidecar, folder) = await StartAsync(appId, """
              - name: protectedTopics
                value: "payments"
              - name: publishingScopes
                value: "granted=payments"
            """);
        await using var _ = sidecar;
        using var __ = folder;
        using var response = await PublishAsync(sidecar, "payments");
        Assert.Equal(expected, response.StatusCode);
        using var open = await PublishAsync(sidecar, "other");
        Assert.Equal(appId == "granted" ? HttpStatusCode.Forbidden : HttpStatusCode.NoContent, open.StatusCode);
    }

    [Fact]
    public async Task Topics_are_compared_exactly()
    {
        var (sidecar, folder) = await StartAsync("orders", """
              - name: publishingScopes
                value: "orders=Placed"
            """);
        await using var _ = sidecar;
        using var __ = folder;
        using var response = await PublishAsync(sidecar, "placed");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_subscription_outside_the_apps_subscription_scope_is_not_made_and_daprds_line_is_logged()
    {
        SidecarHarness.RequireInProcess();
        using var folder = new TempResources();
        folder.Write("scoped.yaml", ScopedPubSub("""
              - name: subscriptionScopes
                value: "reader=wanted"
            """));
        folder.Write("declared.yaml", """
            apiVersion: dapr.io/v2alpha1
            kind: Subscription
            metadata:
              name: declared-forbidden
            spec:
              pubsubname: scoped
              topic: declared-forbidden
              routes:
                default: /declared-forbidden
            """);
        var logs = new CapturedLogs();
        using var factory = logs.Factory;
        await using var scenario = await PubSubScenario.StartAsync("""
            [{"pubsubname":"scoped","topic":"wanted","route":"/wanted"},
             {"pubsubname":"scoped","topic":"forbidden","route":"/forbidden"}]
            """, appId: "reader", resourcesPaths: [folder.Path], configure: o => o with { LoggerFactory = factory }, expectedSubscriptions: 3);

        foreach (var topic in new[] { "forbidden", "declared-forbidden", "wanted" })
        {
            using var published = await scenario.Sidecar.Client.PostAsync($"/v1.0/publish/scoped/{topic}", Json.Body("""{"n":1}"""));
            Assert.Equal(HttpStatusCode.NoContent, published.StatusCode);
        }

        await scenario.App.WaitForAsync(r => r.Path == "/wanted");
        Assert.DoesNotContain(scenario.App.Received, r => r.Path is "/forbidden" or "/declared-forbidden");
        Assert.Contains(logs.Messages, m => m == "Failed to start subscription for pubsub scoped, topic forbidden: subscription to topic 'forbidden' on pubsub 'scoped' is not allowed");
        Assert.Contains(logs.Messages, m => m.Contains("subscription to topic 'declared-forbidden' on pubsub 'scoped' is not allowed", StringComparison.Ordinal));
    }
}
