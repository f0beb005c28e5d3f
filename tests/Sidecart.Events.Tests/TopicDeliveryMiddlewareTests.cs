using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Sidecart.Events.Tests.Support;

namespace Sidecart.Events.Tests;

/// <summary>
/// What an endpoint reads behind Dapr.AspNetCore's real CloudEvents middleware, fed CloudEvents as daprd sends them:
/// the middleware hands on the data and the attributes as <c>Cloudevent.*</c> headers, and <see cref="TopicDelivery"/>
/// gets back the id, the topic, the payload and the whole event.
/// </summary>
public sealed class TopicDeliveryMiddlewareTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<TopicDelivery> DeliverAsync(JsonObject envelope) => await DeliverAsync(envelope.ToJsonString());

    private static async Task<TopicDelivery> DeliverAsync(string envelopeJson)
    {
        var received = new TaskCompletionSource<TopicDelivery>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await TestApp.StartAsync(null, app => app.MapPost("/events/stock", (TopicDelivery delivery) =>
        {
            received.TrySetResult(delivery);
            return TopicResponse.Success();
        }));

        using var request = DaprEnvelope.Delivery("/events/stock", envelopeJson);
        using var response = await app.GetTestClient().SendAsync(request, Ct);
        Assert.Equal("""{"status":"SUCCESS"}""", await response.Content.ReadAsStringAsync(Ct));
        return await received.Task;
    }

    private static JsonNode? Kept(TopicDelivery delivery, string attribute) =>
        JsonNode.Parse(delivery.OriginalEvent.GetRawText())![attribute];

    [Fact]
    public async Task A_json_event_is_read_with_its_id_topic_and_data_and_kept_whole()
    {
        var sent = DaprEnvelope.Around("evt-1", "stock-received", """{"sku":"A","quantity":2}""");

        var delivery = await DeliverAsync(sent);

        Assert.Equal("evt-1", delivery.Id);
        Assert.Equal("stock-received", delivery.Topic);
        Assert.True(delivery.TryGetData(out var data, out _));
        Assert.Equal(2, data.GetProperty("quantity").GetInt32());

        // The middleware drops pubsubname; everything else comes back as it was sent.
        var kept = JsonNode.Parse(delivery.OriginalEvent.GetRawText())!.AsObject();
        sent.Remove("pubsubname");
        Assert.Equal(sent.Select(p => p.Key).Order(StringComparer.Ordinal), kept.Select(p => p.Key).Order(StringComparer.Ordinal));
        foreach (var (name, value) in sent)
        {
            Assert.True(JsonNode.DeepEquals(value, kept[name]), $"{name}: sent {value?.ToJsonString()}, kept {kept[name]?.ToJsonString()}");
        }
    }

    [Fact]
    public async Task Json_sent_as_text_is_read_as_json()
    {
        var sent = DaprEnvelope.Around("evt-1", "stock-received", "ignored");
        sent["data"] = """{"sku":"A"}""";

        var delivery = await DeliverAsync(sent);

        Assert.True(delivery.TryGetData(out var data, out _));
        Assert.Equal("A", data.GetProperty("sku").GetString());
        Assert.Equal("""{"sku":"A"}""", Kept(delivery, "data")!.GetValue<string>());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/json")]
    public async Task Data_that_is_not_json_is_bad_json_and_kept_as_the_text_that_was_published(string contentType)
    {
        const string Published = """{"sku": "A", "quantity": """;

        var delivery = await DeliverAsync(DaprEnvelope.Around("evt-1", "stock-received", Published, contentType));

        Assert.False(delivery.TryGetData(out _, out var reason));
        Assert.StartsWith("bad JSON: data is not a JSON document", reason, StringComparison.Ordinal);
        Assert.Equal("evt-1", delivery.Id);
        Assert.Equal(Published, Kept(delivery, "data")!.GetValue<string>());
    }

    [Fact]
    public async Task Binary_data_is_bad_json_and_kept_as_base64()
    {
        var bytes = new byte[] { 0xff, 0x00, 0xfe };
        var sent = DaprEnvelope.Around("evt-1", "stock-received", "ignored", "application/octet-stream");
        sent.Remove("data");
        sent["data_base64"] = Convert.ToBase64String(bytes);

        var delivery = await DeliverAsync(sent);

        Assert.False(delivery.TryGetData(out _, out var reason));
        Assert.StartsWith("bad JSON: data is not a JSON document", reason, StringComparison.Ordinal);
        Assert.Equal(Convert.ToBase64String(bytes), Kept(delivery, "data_base64")!.GetValue<string>());
        Assert.Null(Kept(delivery, "data"));
    }

    [Fact]
    public async Task An_event_without_data_says_so()
    {
        var sent = DaprEnvelope.Around("evt-1", "stock-received", "ignored");
        sent.Remove("data");
        sent.Remove("datacontenttype");

        var delivery = await DeliverAsync(sent);

        Assert.False(delivery.TryGetData(out _, out var reason));
        Assert.Equal("data: required field is missing from the CloudEvent", reason);
        Assert.Equal("evt-1", delivery.Id);
    }

    [Fact]
    public async Task Attributes_with_escaped_characters_come_back_as_sent()
    {
        // Serialisers escape these inside JSON strings (daprd's too); the middleware forwards the escaped text.
        const string Id = "say \"hi\" & <bye>";

        var delivery = await DeliverAsync(DaprEnvelope.Around(Id, "stock-received", """{"sku":"A"}"""));

        Assert.Equal(Id, delivery.Id);
        Assert.Equal(Id, Kept(delivery, "id")!.GetValue<string>());
    }

    [Fact]
    public async Task A_redelivery_has_the_same_id_and_different_events_do_not()
    {
        var first = await DeliverAsync(DaprEnvelope.Around("evt-1", "stock-received", """{"sku":"A"}"""));
        var again = await DeliverAsync(DaprEnvelope.Around("evt-1", "stock-received", """{"sku":"A"}"""));
        var other = await DeliverAsync(DaprEnvelope.Around("evt-2", "stock-received", """{"sku":"A"}"""));

        Assert.Equal(first.Id, again.Id);
        Assert.NotEqual(first.Id, other.Id);
    }

    [Fact]
    public void Without_forwarded_attributes_the_id_is_a_hash_of_the_data()
    {
        var first = TopicDelivery.FromData(Encoding.UTF8.GetBytes("""{"sku":"A"}"""), "application/json", []);
        var again = TopicDelivery.FromData(Encoding.UTF8.GetBytes("""{"sku":"A"}"""), "application/json", []);

        Assert.StartsWith("sha256-", first.Id, StringComparison.Ordinal);
        Assert.Equal(first.Id, again.Id);
        Assert.Null(first.Topic);
        Assert.Equal(JsonValueKind.Object, first.OriginalEvent.GetProperty("data").ValueKind);
    }
}
