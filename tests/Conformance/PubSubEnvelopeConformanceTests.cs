using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Conformance.Harness;

namespace Conformance;

/// <summary>https://docs.dapr.io/developing-applications/building-blocks/pubsub/pubsub-cloudevents/: the CloudEvent the app receives for each kind of publish.</summary>
public partial class PubSubEnvelopeConformanceTests : PubSubConformanceTests
{
    private const string Subscriptions = """
        [
          {"pubsubname":"pubsub","topic":"envelope","route":"/envelope"},
          {"pubsubname":"pubsub","topic":"raw","route":"/raw","metadata":{"rawPayload":"true"}},
          {"pubsubname":"pubsub","topic":"orders/eu","route":"/nested"}
        ]
        """;

    [Fact]
    public async Task Json_is_delivered_as_an_application_cloudevents_json_envelope_with_every_field()
    {
        await using var scenario = await StartScenarioAsync(Subscriptions, appId: "publisher");
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await scenario.PublishAsync("envelope", """{"orderId":42,"items":["a"]}""");

        var (request, e) = await scenario.WaitForEventAsync("/envelope");
        Assert.Equal("application/cloudevents+json", request.Header("Content-Type"));
        Assert.Equal("pubsub", request.Header("pubsubname"));
        Assert.Matches(UuidV4(), e["id"]!.GetValue<string>());
        Assert.Equal("publisher", e["source"]!.GetValue<string>());
        Assert.Equal("com.dapr.event.sent", e["type"]!.GetValue<string>());
        Assert.Equal("1.0", e["specversion"]!.GetValue<string>());
        Assert.Equal("application/json", e["datacontenttype"]!.GetValue<string>());
        Assert.Equal(42, e["data"]!["orderId"]!.GetValue<int>());
        Assert.Equal("a", e["data"]!["items"]![0]!.GetValue<string>());
        Assert.Equal("envelope", e["topic"]!.GetValue<string>());
        Assert.Equal("pubsub", e["pubsubname"]!.GetValue<string>());
        Assert.Matches(TraceparentPattern(), e["traceparent"]!.GetValue<string>());
        Assert.Equal(e["traceparent"]!.GetValue<string>(), e["traceid"]!.GetValue<string>());
        Assert.NotNull(e["tracestate"]);
        var time = e["time"]!.GetValue<string>();
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$", time);
        Assert.InRange(DateTimeOffset.Parse(time, CultureInfo.InvariantCulture), before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Null(e["expiration"]);
        Assert.Null(e["data_base64"]);
    }

    [Fact]
    public async Task A_topic_with_slashes_is_delivered_under_its_full_name()
    {
        await using var scenario = await StartScenarioAsync(Subscriptions);
        await scenario.PublishAsync("orders/eu", "{}");
        var (_, e) = await scenario.WaitForEventAsync("/nested");
        Assert.Equal("orders/eu", e["topic"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_delivered_traceparent_continues_the_events_trace()
    {
        await using var scenario = await StartScenarioAsync(Subscriptions);
        await scenario.PublishAsync("envelope", "{}");
        var (request, e) = await scenario.WaitForEventAsync("/envelope");
        var traceId = e["traceparent"]!.GetValue<string>().Split('-')[1];
        Assert.Equal(traceId, request.Header("traceparent")!.Split('-')[1]);
    }

    [Theory]
    [InlineData("text/plain", "hello", "text/plain")]
    [InlineData("application/xml", "<a>1</a>", "application/xml")]
    [InlineData("application/json", "{not json", "application/json")]
    [InlineData("application/json; charset=utf-8", "\"quoted\"", "application/json; charset=utf-8")]
    [InlineData(null, "no content type", "text/plain")]
    public async Task Non_binary_bodies_are_data_strings_or_json(string? contentType, string body, string expectedContentType)
    {
        await using var scenario = await StartScenarioAsync(Subscriptions);
        await scenario.PublishAsync("envelope", body, contentType);
        var (_, e) = await scenario.WaitForEventAsync("/envelope");
        Assert.Equal(expectedContentType, e["datacontenttype"]!.GetValue<string>());
        var expected = body == "\"quoted\"" ? "quoted" : body;
        Assert.Equal(expected, e["data"]!.GetValue<string>());
    }

    [Fact]
    public async Task Octet_stream_is_data_base64()
    {
        await using var scenario = await StartScenarioAsync(Subscriptions);
        await scenario.PublishAsync("envelope", "binary\u0001", "application/octet-stream");
        var (_, e) = await scenario.WaitForEventAsync("/envelope");
        Assert.Equal("application/octet-stream", e["datacontenttype"]!.GetValue<string>());
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes("binary\u0001")), e["data_base64"]!.GetValue<string>());
        Assert.Null(e["data"]);
    }

    [Fact]
    public async Task A_custom_cloudevent_keeps_its_fields_gets_topic_and_pubsubname_and_defaults()
    {
        await using var scenario = await StartScenarioAsync(Subscriptions);
        await scenario.PublishAsync("envelope", """
            {"id":"my-id","subject":"s1","myext":"x","topic":"wrong","pubsubname":"wrong","data":{"a":1},"datacontenttype":"application/json"}
            """, "application/cloudevents+json");
        var (_, e) = await scenario.WaitForEventAsync("/envelope");
        Assert.Equal("my-id", e["id"]!.GetValue<string>());
        Assert.Equal("s1", e["subject"]!.GetValue<string>());
        Assert.Equal("x", e["myext"]!.GetValue<string>());
        Assert.Equal(1, e["data"]!["a"]!.GetValue<int>());
        Assert.Equal("envelope", e["topic"]!.GetValue<string>());
        Assert.Equal("pubsub", e["pubsubname"]!.GetValue<string>());
        Assert.Equal("Dapr", e["source"]!.GetValue<string>());
        Assert.Equal("com.dapr.event.sent", e["type"]!.GetValue<string>());
        Assert.Equal("1.0", e["specversion"]!.GetValue<string>());
        Assert.NotNull(e["time"]);
        Assert.Equal(e["traceparent"]!.GetValue<string>(), e["traceid"]!.GetValue<string>());
        Assert.NotNull(e["tracestate"]);
    }

    [Fact]
    public async Task Cloudevent_metadata_overrides_id_source_type_and_trace()
    {
        await using var scenario = await StartScenarioAsync(Subscriptions);
        const string traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        await scenario.PublishAsync("envelope", "{}", query:
            $"?metadata.cloudevent.id=fixed-id&metadata.cloudevent.source=elsewhere&metadata.cloudevent.type=widget&metadata.cloudevent.traceparent={traceparent}&metadata.cloudevent.tracestate=k%3Dv");
        var (_, e) = await scenario.WaitForEventAsync("/envelope");
        Assert.Equal("fixed-id", e["id"]!.GetValue<string>());
        Assert.Equal("elsewhere", e["source"]!.GetValue<string>());
        Assert.Equal("widget", e["type"]!.GetValue<string>());
        Assert.Equal(traceparent, e["traceparent"]!.GetValue<string>());
        Assert.Equal(traceparent, e["traceid"]!.GetValue<string>());
        Assert.Equal("k=v", e["tracestate"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cloudevent_overrides_do_not_apply_to_custom_cloudevents()
    {
        await using var scenario = await StartScenarioAsync(Subscriptions);
        await scenario.PublishAsync("envelope", """{"id":"mine","source":"me","type":"t","specversion":"1.0"}""", "application/cloudevents+json",
            "?metadata.cloudevent.id=other&metadata.cloudevent.source=other");
        var (_, e) = await scenario.WaitForEventAsync("/envelope");
        Assert.Equal("mine", e["id"]!.GetValue<string>());
        Assert.Equal("me", e["source"]!.GetValue<string>());
    }

    [Fact]
    public async Task Raw_payload_is_published_as_is_and_a_raw_subscription_gets_a_synthesised_envelope()
    {
        await using var scenario = await StartScenarioAsync(Subscriptions);
        await scenario.PublishAsync("raw", "plain bytes", "text/plain", "?metadata.rawPayload=true");
        var (request, e) = await scenario.WaitForEventAsync("/raw");
        Assert.Equal("application/cloudevents+json", request.Header("Content-Type"));
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes("plain bytes")), e["data_base64"]!.GetValue<string>());
        Assert.Equal("application/octet-stream", e["datacontenttype"]!.GetValue<string>());
        Assert.Equal("Dapr", e["source"]!.GetValue<string>());
        Assert.Equal("com.dapr.event.sent", e["type"]!.GetValue<string>());
        Assert.Equal("1.0", e["specversion"]!.GetValue<string>());
        Assert.Equal("raw", e["topic"]!.GetValue<string>());
        Assert.Equal("pubsub", e["pubsubname"]!.GetValue<string>());
        Assert.Matches(UuidV4(), e["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_raw_subscription_sees_a_cloudevent_publish_as_its_bytes()
    {
        await using var scenario = await StartScenarioAsync(Subscriptions);
        await scenario.PublishAsync("raw", """{"x":1}""");
        var (_, e) = await scenario.WaitForEventAsync("/raw");
        var inner = JsonNode.Parse(Convert.FromBase64String(e["data_base64"]!.GetValue<string>()))!;
        Assert.Equal("com.dapr.event.sent", inner["type"]!.GetValue<string>());
        Assert.Equal(1, inner["data"]!["x"]!.GetValue<int>());
    }

    [Fact]
    public async Task Ttl_adds_an_rfc3339_expiration()
    {
        await using var scenario = await StartScenarioAsync(Subscriptions);
        await scenario.PublishAsync("envelope", "{}", query: "?metadata.ttlInSeconds=120");
        var (_, e) = await scenario.WaitForEventAsync("/envelope");
        var expiration = DateTimeOffset.Parse(e["expiration"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        Assert.InRange(expiration, DateTimeOffset.UtcNow.AddSeconds(100), DateTimeOffset.UtcNow.AddSeconds(121));
    }

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")]
    private static partial Regex UuidV4();

    [GeneratedRegex("^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")]
    private static partial Regex TraceparentPattern();
}
