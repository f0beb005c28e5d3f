using LocalSidecar.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using LocalSidecar.Messaging;

namespace LocalSidecar.Tests;

public sealed class CloudEventEnvelopeTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 4, 5, 6, 7, 891, TimeSpan.Zero);

    private static readonly TraceContext Trace = new("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "k=v");

    [Fact]
    public void Json_data_is_embedded_with_every_envelope_field()
    {
        var e = Build("""{"a":[1,2]}""", "application/json");
        Assert.True(Guid.TryParse(e["id"]!.GetValue<string>(), out var id));
        Assert.Equal(4, id.Version);
        Assert.Equal("app", e["source"]!.GetValue<string>());
        Assert.Equal("com.dapr.event.sent", e["type"]!.GetValue<string>());
        Assert.Equal("1.0", e["specversion"]!.GetValue<string>());
        Assert.Equal("application/json", e["datacontenttype"]!.GetValue<string>());
        Assert.Equal(2, e["data"]!["a"]![1]!.GetValue<int>());
        Assert.Equal("orders", e["topic"]!.GetValue<string>());
        Assert.Equal("pubsub", e["pubsubname"]!.GetValue<string>());
        Assert.Equal(Trace.Traceparent, e["traceid"]!.GetValue<string>());
        Assert.Equal(Trace.Traceparent, e["traceparent"]!.GetValue<string>());
        Assert.Equal("k=v", e["tracestate"]!.GetValue<string>());
        Assert.Equal("2026-03-04T05:06:07Z", e["time"]!.GetValue<string>());
        Assert.Null(e["expiration"]);
    }

    [Theory]
    [InlineData(null, "text/plain")]
    [InlineData("text/plain; charset=utf-8", "text/plain; charset=utf-8")]
    [InlineData("application/xml", "application/xml")]
    [InlineData("application/x-www-form-urlencoded", "application/x-www-form-urlencoded")]
    [InlineData("application/problem+json", "application/problem+json")]
    public void Other_content_types_are_strings(string? contentType, string expected)
    {
        var e = Build("""{"looks":"like json"}""", contentType);
        Assert.Equal(expected, e["datacontenttype"]!.GetValue<string>());
        Assert.Equal("""{"looks":"like json"}""", e["data"]!.GetValue<string>());
    }

    [Fact]
    public void Invalid_json_is_kept_as_a_string()
    {
        Assert.Equal("{oops", Build("{oops", "application/json")["data"]!.GetValue<string>());
    }

    [Fact]
    public void Octet_stream_is_base64()
    {
        var e = Build("\u0000\u0001", "application/octet-stream");
        Assert.Equal("AAE=", e["data_base64"]!.GetValue<string>());
        Assert.False(e.ContainsKey("data"));
    }

    [Fact]
    public void An_empty_app_id_makes_the_source_Dapr()
    {
        var e = Parse(CloudEventEnvelope.Build(Request("x", "text/plain") with { PublisherAppId = "" }));
        Assert.Equal("Dapr", e["source"]!.GetValue<string>());
    }

    [Fact]
    public void Cloudevent_metadata_overrides_are_case_insensitive_and_traceparent_sets_traceid()
    {
        var e = Build("x", "text/plain", new Dictionary<string, string>
        {
            ["cloudevent.ID"] = "id-1",
            ["CloudEvent.Source"] = "src",
            ["cloudevent.type"] = "t",
            ["cloudevent.traceparent"] = "tp",
            ["cloudevent.tracestate"] = "ts",
            ["cloudevent.topic"] = "not-overridable",
            ["cloudevent.datacontenttype"] = "not-overridable",
        });
        Assert.Equal("id-1", e["id"]!.GetValue<string>());
        Assert.Equal("src", e["source"]!.GetValue<string>());
        Assert.Equal("t", e["type"]!.GetValue<string>());
        Assert.Equal("tp", e["traceparent"]!.GetValue<string>());
        Assert.Equal("tp", e["traceid"]!.GetValue<string>());
        Assert.Equal("ts", e["tracestate"]!.GetValue<string>());
        Assert.Equal("orders", e["topic"]!.GetValue<string>());
        Assert.Equal("text/plain", e["datacontenttype"]!.GetValue<string>());
    }

    [Fact]
    public void A_custom_cloudevent_keeps_its_fields_and_gets_defaults()
    {
        var e = Build("""{"id":"x","topic":"t","pubsubname":"p","ext":1,"traceid":"mine"}""", "application/cloudevents+json",
            new Dictionary<string, string> { ["cloudevent.id"] = "ignored" });
        Assert.Equal("x", e["id"]!.GetValue<string>());
        Assert.Equal(1, e["ext"]!.GetValue<int>());
        Assert.Equal("orders", e["topic"]!.GetValue<string>());
        Assert.Equal("pubsub", e["pubsubname"]!.GetValue<string>());
        Assert.Equal("mine", e["traceid"]!.GetValue<string>());
        Assert.False(e.ContainsKey("traceparent"));
        Assert.Equal("k=v", e["tracestate"]!.GetValue<string>());
        Assert.Equal("Dapr", e["source"]!.GetValue<string>());
        Assert.Equal("com.dapr.event.sent", e["type"]!.GetValue<string>());
        Assert.Equal("1.0", e["specversion"]!.GetValue<string>());
        Assert.Equal("2026-03-04T05:06:07Z", e["time"]!.GetValue<string>());
    }

    [Fact]
    public void A_custom_cloudevent_without_id_gets_none()
    {
        Assert.False(Build("{}", "application/cloudevents+json").ContainsKey("id"));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("nope")]
    [InlineData("")]
    public void A_custom_cloudevent_must_be_a_json_object(string body)
    {
        Assert.Throws<CloudEventException>(() => Build(body, "application/cloudevents+json"));
    }

    [Theory]
    [InlineData("ttlInSeconds", "90", "2026-03-04T05:07:37Z")]
    [InlineData("ttl", "90", "2026-03-04T05:07:37Z")]
    [InlineData("ttl", "1m30s", "2026-03-04T05:07:37Z")]
    public void Ttl_adds_the_expiration(string key, string value, string expected)
    {
        var e = Build("x", "text/plain", new Dictionary<string, string> { [key] = value });
        Assert.Equal(expected, e["expiration"]!.GetValue<string>());
        Assert.False(CloudEventEnvelope.IsExpired(e, Now.AddSeconds(89)));
        Assert.True(CloudEventEnvelope.IsExpired(e, Now.AddSeconds(91)));
    }

    [Fact]
    public void A_bad_ttl_cannot_build_an_envelope()
    {
        Assert.Throws<CloudEventException>(() => Build("x", "text/plain", new Dictionary<string, string> { ["ttlInSeconds"] = "soon" }));
    }

    [Fact]
    public void The_raw_payload_envelope_carries_the_bytes_as_base64()
    {
        var e = CloudEventEnvelope.ForRawPayload(Encoding.UTF8.GetBytes("raw"), "orders", "pubsub");
        Assert.Equal("cmF3", e["data_base64"]!.GetValue<string>());
        Assert.Equal("application/octet-stream", e["datacontenttype"]!.GetValue<string>());
        Assert.Equal("Dapr", e["source"]!.GetValue<string>());
        Assert.Equal("com.dapr.event.sent", e["type"]!.GetValue<string>());
        Assert.Equal("orders", e["topic"]!.GetValue<string>());
        Assert.Equal("pubsub", e["pubsubname"]!.GetValue<string>());
        Assert.NotEqual(e["id"]!.GetValue<string>(), CloudEventEnvelope.ForRawPayload(Encoding.UTF8.GetBytes("raw"), "orders", "pubsub")["id"]!.GetValue<string>());
    }

    [Fact]
    public void Trace_context_continues_a_valid_parent_and_starts_a_trace_otherwise()
    {
        var child = TraceContext.ChildOf(Trace.Traceparent, "a=b");
        Assert.StartsWith("00-0af7651916cd43dd8448eb211c80319c-", child.Traceparent, StringComparison.Ordinal);
        Assert.NotEqual(Trace.Traceparent, child.Traceparent);
        Assert.Equal("a=b", child.Tracestate);
        var root = TraceContext.ChildOf("garbage", "a=b");
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-01$", root.Traceparent);
        Assert.Equal("", root.Tracestate);
        Assert.Null(TraceContext.ChildSpan("00-00000000000000000000000000000000-b7ad6b7169203331-01"));
    }

    private static JsonObject Build(string body, string? contentType, Dictionary<string, string>? metadata = null) =>
        Parse(CloudEventEnvelope.Build(Request(body, contentType, metadata)));

    private static PublishRequest Request(string body, string? contentType, Dictionary<string, string>? metadata = null) =>
        new("pubsub", "orders", Encoding.UTF8.GetBytes(body), contentType, metadata ?? [], "app", Trace, Now);

    private static JsonObject Parse(byte[] envelope) => JsonNode.Parse(envelope)!.AsObject();
}
