using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Conformance.Harness;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Conformance;

/// <summary>https://docs.dapr.io/reference/api/pubsub_api/: subscription discovery, routing, the app's answers, retries and
/// dead-letter topics. The test resources give the <c>pubsub</c> component a 20 ms × 3 inbound retry policy.</summary>
public class PubSubDeliveryConformanceTests : PubSubConformanceTests
{
    internal const int AttemptsWithFastRetryPolicy = 4;

    [Fact]
    public async Task Subscribe_is_read_with_the_app_id_header_and_listed_in_metadata_with_rules()
    {
        await using var scenario = await StartScenarioAsync("""
            [
              {"pubsubname":"pubsub","topic":"v1","route":"orders","deadLetterTopic":"poison","metadata":{"rawPayload":"false"}},
              {"pubsubname":"pubsub","topic":"v2","routes":{"rules":[{"match":"event.type == \"widget\"","path":"/widgets"}],"default":"/other"}},
              {"pubsubname":"pubsub","topic":"noroute"},
              {"pubsubname":"missing","topic":"t","route":"/t"},
              {"pubsubname":"pubsub","topic":"badrule","routes":{"rules":[{"match":"event.type ~ 1","path":"/x"}]}}
            ]
            """, appId: "lister", expectedSubscriptions: 2);
        var subscribe = await scenario.App.WaitForAsync(r => r.Path == "/dapr/subscribe");
        Assert.Equal("GET", subscribe.Method);
        Assert.Equal("lister", subscribe.Header("dapr-app-id"));

        var listed = (await Json.ReadAsync(await scenario.Sidecar.Client.GetAsync("/v1.0/metadata")))["subscriptions"]!.AsArray();
        Assert.Equal(["v1", "v2"], listed.Select(s => s!["topic"]!.GetValue<string>()).Order().ToArray());
        var v1 = listed.Single(s => s!["topic"]!.GetValue<string>() == "v1")!;
        Assert.Equal("PROGRAMMATIC", v1["type"]!.GetValue<string>());
        Assert.Equal("pubsub", v1["pubsubname"]!.GetValue<string>());
        Assert.Equal("poison", v1["deadLetterTopic"]!.GetValue<string>());
        Assert.Equal("false", v1["metadata"]!["rawPayload"]!.GetValue<string>());
        Assert.Equal("orders", v1["rules"]![0]!["path"]!.GetValue<string>());
        var v2Rules = listed.Single(s => s!["topic"]!.GetValue<string>() == "v2")!["rules"]!.AsArray();
        Assert.Equal("event.type == \"widget\"", v2Rules[0]!["match"]!.GetValue<string>());
        Assert.Equal("/widgets", v2Rules[0]!["path"]!.GetValue<string>());
        Assert.Equal("", v2Rules[1]!["match"]!.GetValue<string>());
        Assert.Equal("/other", v2Rules[1]!["path"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_v1_route_gets_a_leading_slash()
    {
        await using var scenario = await StartScenarioAsync("""[{"pubsubname":"pubsub","topic":"orders","route":"orders"}]""");
        await scenario.PublishAsync("orders", """{"n":1}""");
        await scenario.WaitForEventAsync("/orders");
    }

    [Fact]
    public async Task V2_rules_are_evaluated_in_order_and_the_default_takes_the_rest()
    {
        await using var scenario = await StartScenarioAsync("""
            [{"pubsubname":"pubsub","topic":"inventory","route":"/ignored","routes":{"rules":[
                {"match":"event.type == \"widget\"","path":"/widgets"},
                {"match":"event.data.size > 10 && event.data.color in [\"red\", \"blue\"]","path":"/big"},
                {"match":"event.type == \"widget\" || event.type == \"gadget\"","path":"/gadgets"}
              ],"default":"/inventory"}}]
            """);
        await scenario.PublishAsync("inventory", """{"size":20}""", query: "?metadata.cloudevent.type=widget");
        await scenario.PublishAsync("inventory", """{"size":20,"color":"red"}""");
        await scenario.PublishAsync("inventory", """{"size":1}""", query: "?metadata.cloudevent.type=gadget");
        await scenario.PublishAsync("inventory", """{"size":1}""");

        await scenario.WaitForEventAsync("/inventory");
        Assert.Equal("widget", Assert.Single(scenario.Events("/widgets"))["type"]!.GetValue<string>());
        Assert.Equal("red", Assert.Single(scenario.Events("/big"))["data"]!["color"]!.GetValue<string>());
        Assert.Equal("gadget", Assert.Single(scenario.Events("/gadgets"))["type"]!.GetValue<string>());
        Assert.Equal(1, Assert.Single(scenario.Events("/inventory"))["data"]!["size"]!.GetValue<int>());
        Assert.Empty(scenario.Events("/ignored"));
    }

    [Fact]
    public async Task A_rule_that_fails_to_evaluate_sends_the_event_to_the_dead_letter_topic()
    {
        await using var scenario = await StartScenarioAsync("""
            [{"pubsubname":"pubsub","topic":"typed","deadLetterTopic":"poison","routes":{"rules":[{"match":"event.data.size > 10","path":"/big"}],"default":"/typed"}},
             {"pubsubname":"pubsub","topic":"poison","route":"/poison"}]
            """);
        await scenario.PublishAsync("typed", "no size here", "text/plain");
        var (_, dead) = await scenario.WaitForEventAsync("/poison");
        Assert.Equal("no size here", dead["data"]!.GetValue<string>());
        Assert.Empty(scenario.Events("/typed"));
    }

    [Fact]
    public async Task An_event_matching_no_rule_without_default_is_skipped()
    {
        await using var scenario = await StartScenarioAsync("""
            [{"pubsubname":"pubsub","topic":"picky","routes":{"rules":[{"match":"event.type == \"wanted\"","path":"/wanted"}]}}]
            """);
        await scenario.PublishAsync("picky", """{"n":1}""", query: "?metadata.cloudevent.type=unwanted");
        await scenario.PublishAsync("picky", """{"n":2}""", query: "?metadata.cloudevent.type=wanted");

        // Delivery is serial and in order, so once the second event has arrived the first was handled.
        await scenario.WaitForEventAsync("/wanted");
        Assert.Single(scenario.App.Received, r => r.Method == "POST");
    }

    [Fact]
    public async Task Declarative_subscriptions_are_loaded_for_the_apps_in_their_scopes()
    {
        SidecarHarness.RequireInProcess();
        using var folder = new TempResources();
        folder.Write("subscriptions.yaml", """
            apiVersion: dapr.io/v2alpha1
            kind: Subscription
            metadata:
              name: mine
            spec:
              pubsubname: pubsub
              topic: declared
              routes:
                rules:
                - match: event.data.kind == "special"
                  path: /special
                default: /declared
            scopes: [declarer]
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Subscription
            metadata:
              name: theirs
            spec:
              pubsubname: pubsub
              topic: elsewhere
              route: /elsewhere
            scopes: [someone-else]
            """);
        await using var scenario = await StartScenarioAsync("[]", appId: "declarer",
            extraResources: [folder.Path], expectedSubscriptions: 1);
        var listed = (await Json.ReadAsync(await scenario.Sidecar.Client.GetAsync("/v1.0/metadata")))["subscriptions"]!.AsArray();
        var only = Assert.Single(listed)!;
        Assert.Equal("declared", only["topic"]!.GetValue<string>());
        Assert.Equal("DECLARATIVE", only["type"]!.GetValue<string>());

        await scenario.PublishAsync("declared", """{"kind":"special"}""");
        await scenario.PublishAsync("declared", """{"kind":"plain"}""");
        await scenario.WaitForEventAsync("/special");
        await scenario.WaitForEventAsync("/declared");
    }

    [Theory]
    [InlineData(200, "")]
    [InlineData(200, "not json")]
    [InlineData(200, """{"status":"SUCCESS"}""")]
    [InlineData(200, """{"other":"field"}""")]
    [InlineData(204, "")]
    public async Task Success_answers_acknowledge_without_retry(int status, string body)
    {
        await using var scenario = await StartScenarioAsync("""[{"pubsubname":"pubsub","topic":"orders","route":"/orders"}]""",
            _ => Task.FromResult(Results.Text(body, "application/json", statusCode: status)));
        await scenario.PublishAsync("orders", """{"n":1}""");
        await scenario.PublishAsync("orders", """{"n":2}""");
        await scenario.WaitForEventAsync("/orders", e => e["data"]!["n"]!.GetValue<int>() == 2);
        Assert.Single(scenario.Events("/orders"), e => e["data"]!["n"]!.GetValue<int>() == 1);
    }

    [Theory]
    [InlineData("""{"status":"RETRY"}""", 200)]
    [InlineData("""{"status":"SOMETHING"}""", 200)]
    [InlineData("", 500)]
    [InlineData("", 503)]
    public async Task Retriable_answers_are_delivered_again_until_success(string body, int status)
    {
        var calls = new ConcurrentDictionary<string, int>();
        await using var scenario = await StartScenarioAsync("""[{"pubsubname":"pubsub","topic":"orders","route":"/orders"}]""",
            async http =>
            {
                var id = (await JsonNode.ParseAsync(http.Request.Body))!["id"]!.GetValue<string>();
                return calls.AddOrUpdate(id, 1, (_, n) => n + 1) < 3
                    ? Results.Text(body, "application/json", statusCode: status)
                    : Results.Ok();
            });
        await scenario.PublishAsync("orders", """{"n":1}""");
        await PubSubScenario.EventuallyAsync(() => scenario.Events("/orders").Count >= 3, "three deliveries");
        var ids = scenario.Events("/orders").Select(e => e["id"]!.GetValue<string>()).Distinct();
        Assert.Single(ids);
    }

    [Fact]
    public async Task Drop_acknowledges_and_sends_the_original_event_to_the_dead_letter_topic()
    {
        await using var scenario = await StartScenarioAsync("""
            [{"pubsubname":"pubsub","topic":"orders","route":"/orders","deadLetterTopic":"poison"},
             {"pubsubname":"pubsub","topic":"poison","route":"/poison"}]
            """,
            http => Task.FromResult(http.Request.Path == "/orders" ? Results.Json(new { status = "DROP" }) : Results.Ok()));
        await scenario.PublishAsync("orders", """{"n":1}""");
        var (_, original) = await scenario.WaitForEventAsync("/orders");
        var (_, dead) = await scenario.WaitForEventAsync("/poison");
        Assert.Equal(original.ToJsonString(), dead.ToJsonString());
        Assert.Single(scenario.Events("/orders"));
    }

    [Fact]
    public async Task Drop_without_a_dead_letter_topic_is_not_retried()
    {
        await using var scenario = await StartScenarioAsync("""[{"pubsubname":"pubsub","topic":"orders","route":"/orders"}]""",
            async http => (await JsonNode.ParseAsync(http.Request.Body))!["data"]!["n"]!.GetValue<int>() == 1 ? Results.Json(new { status = "DROP" }) : Results.Ok());
        await scenario.PublishAsync("orders", """{"n":1}""");
        await scenario.PublishAsync("orders", """{"n":2}""");
        await scenario.WaitForEventAsync("/orders", e => e["data"]!["n"]!.GetValue<int>() == 2);
        Assert.Single(scenario.Events("/orders"), e => e["data"]!["n"]!.GetValue<int>() == 1);
    }

    [Fact]
    public async Task Not_found_drops_the_event_without_retry_or_dead_letter()
    {
        await using var scenario = await StartScenarioAsync("""
            [{"pubsubname":"pubsub","topic":"orders","route":"/orders","deadLetterTopic":"poison"},
             {"pubsubname":"pubsub","topic":"poison","route":"/poison"}]
            """,
            async http => http.Request.Path == "/orders" && (await JsonNode.ParseAsync(http.Request.Body))!["data"]!["n"]!.GetValue<int>() == 1
                ? Results.NotFound()
                : Results.Ok());
        await scenario.PublishAsync("orders", """{"n":1}""");
        await scenario.PublishAsync("orders", """{"n":2}""");
        await scenario.WaitForEventAsync("/orders", e => e["data"]!["n"]!.GetValue<int>() == 2);
        Assert.Single(scenario.Events("/orders"), e => e["data"]!["n"]!.GetValue<int>() == 1);
        Assert.Empty(scenario.Events("/poison"));
    }

    [Fact]
    public async Task Failures_exhaust_the_inbound_retry_policy_then_go_to_the_dead_letter_topic()
    {
        await using var scenario = await StartScenarioAsync("""
            [{"pubsubname":"pubsub","topic":"orders","route":"/orders","deadLetterTopic":"poison"},
             {"pubsubname":"pubsub","topic":"poison","route":"/poison"}]
            """,
            http => Task.FromResult(http.Request.Path == "/orders" ? Results.StatusCode(500) : Results.Ok()));
        await scenario.PublishAsync("orders", """{"n":1}""");
        var (_, dead) = await scenario.WaitForEventAsync("/poison");
        var attempts = scenario.Events("/orders");
        Assert.Equal(AttemptsWithFastRetryPolicy, attempts.Count);
        Assert.All(attempts, e => Assert.Equal(dead["id"]!.GetValue<string>(), e["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Expired_events_are_not_delivered()
    {
        SidecarHarness.RequireInProcess();
        using var folder = new TempResources();
        folder.Write("subscription.yaml", Declarative("expiring", "/expiring"));
        var port = HealthAndMetadataConformanceTests.FreePort();
        await using var sidecar = await StartSidecarAsync("expiring-app", extraResources: [folder.Path],
            configure: o => o with { AppPort = port });
        await PubSubScenario.PublishAsync(sidecar, "expiring", """{"n":1}""", query: "?metadata.ttlInSeconds=1");
        await PubSubScenario.PublishAsync(sidecar, "expiring", """{"n":2}""");

        // The first event's expiration (second precision) must pass while nothing can be delivered.
        await Task.Delay(TimeSpan.FromSeconds(2.1));
        await using var app = await PubSubScenario.StartAppAsync("[]", port: port);
        await app.WaitForAsync(r => r.Path == "/expiring");
        var delivered = PubSubScenario.EventsOf(app, "/expiring");
        Assert.Equal(2, Assert.Single(delivered)["data"]!["n"]!.GetValue<int>());
    }

    [Fact]
    public async Task Events_published_before_the_app_listens_wait_and_are_delivered_once_it_is_up()
    {
        SidecarHarness.RequireInProcess();
        using var folder = new TempResources();
        folder.Write("subscription.yaml", Declarative("early", "/early"));
        var port = HealthAndMetadataConformanceTests.FreePort();
        await using var sidecar = await StartSidecarAsync("late-app", extraResources: [folder.Path],
            configure: o => o with { AppPort = port });
        for (var n = 0; n < 5; n++)
        {
            await PubSubScenario.PublishAsync(sidecar, "early", $$"""{"n":{{n}}}""");
        }

        await using var app = await PubSubScenario.StartAppAsync("[]", port: port);
        await PubSubScenario.EventuallyAsync(() => PubSubScenario.EventsOf(app, "/early").Count == 5, "all five events");
        Assert.Equal([0, 1, 2, 3, 4], PubSubScenario.EventsOf(app, "/early").Select(e => e["data"]!["n"]!.GetValue<int>()).ToArray());
    }

    [Fact]
    public async Task Nothing_is_delivered_while_the_app_is_unhealthy()
    {
        SidecarHarness.RequireInProcess();
        using var folder = new TempResources();
        folder.Write("subscription.yaml", Declarative("guarded", "/guarded"));
        var healthy = false;
        var deliveredWhileUnhealthy = 0;
        await using var app = await TestApp.StartAsync(a =>
        {
            a.MapGet("/healthz", () => Volatile.Read(ref healthy) ? Results.Ok() : Results.StatusCode(503));
            a.MapGet("/dapr/subscribe", () => Results.Json(Array.Empty<object>()));
            a.MapPost("/guarded", () =>
            {
                if (!Volatile.Read(ref healthy))
                {
                    Interlocked.Increment(ref deliveredWhileUnhealthy);
                }

                return Results.Ok();
            });
        });
        await using var sidecar = await StartSidecarAsync("guarded-app", app, [folder.Path],
            configure: o => o with { EnableAppHealthCheck = true, AppHealthProbeInterval = TimeSpan.FromMilliseconds(50) });
        for (var n = 0; n < 3; n++)
        {
            await PubSubScenario.PublishAsync(sidecar, "guarded", $$"""{"n":{{n}}}""");
        }

        Volatile.Write(ref healthy, true);
        await PubSubScenario.EventuallyAsync(() => PubSubScenario.EventsOf(app, "/guarded").Count == 3, "delivery once healthy");
        Assert.Equal(0, deliveredWhileUnhealthy);
    }

    [Fact]
    public async Task The_app_api_token_is_sent_on_subscribe_and_on_delivery()
    {
        await using var scenario = await StartScenarioAsync("""[{"pubsubname":"pubsub","topic":"orders","route":"/orders"}]""",
            configure: o => o with { AppApiToken = "app-s3cret" });
        await scenario.PublishAsync("orders", "{}");
        var (delivery, _) = await scenario.WaitForEventAsync("/orders");
        Assert.Equal("app-s3cret", delivery.Header("dapr-api-token"));
        Assert.Equal("app-s3cret", scenario.App.Received.First(r => r.Path == "/dapr/subscribe").Header("dapr-api-token"));
    }

    private static string Declarative(string topic, string route) => $"""
        apiVersion: dapr.io/v2alpha1
        kind: Subscription
        metadata:
          name: {topic}
        spec:
          pubsubname: pubsub
          topic: {topic}
          routes:
            default: {route}
        """;
}
