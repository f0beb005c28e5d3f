using System.Text;
using System.Text.Json;

namespace Sidecart.Events.Tests;

/// <summary>A CloudEvent envelope read as it is, for an endpoint that no middleware unwrapped it for.</summary>
public sealed class TopicDeliveryTests
{
    private static TopicDelivery Read(string body) => TopicDelivery.FromCloudEvent(Encoding.UTF8.GetBytes(body));

    [Fact]
    public void The_payload_of_a_cloud_event_is_its_data()
    {
        var delivery = Read("""{"id":"evt-1","topic":"stock","data":{"sku":"A"}}""");

        Assert.True(delivery.TryGetData(out var data, out _));
        Assert.Equal("evt-1", delivery.Id);
        Assert.Equal("stock", delivery.Topic);
        Assert.Equal("A", data.GetProperty("sku").GetString());
    }

    [Fact]
    public void Json_sent_as_text_or_base64_is_read_as_json()
    {
        var asText = Read("""{"id":"evt-1","data":"{\"sku\":\"A\"}"}""");
        var asBase64 = Read($$"""{"id":"evt-2","data_base64":"{{Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"sku":"B"}"""))}}"}""");

        Assert.True(asText.TryGetData(out var text, out _));
        Assert.True(asBase64.TryGetData(out var base64, out _));
        Assert.Equal("A", text.GetProperty("sku").GetString());
        Assert.Equal("B", base64.GetProperty("sku").GetString());
    }

    [Theory]
    [InlineData("""{"id":"evt-1","data":"{\"sku\": "}""", "bad JSON: data is not a JSON document")]
    [InlineData("""{"id":"evt-1","data_base64":"not base64!"}""", "bad JSON: data_base64 does not hold a JSON document")]
    [InlineData("""{"id":"evt-1"}""", "data: required field is missing from the CloudEvent")]
    [InlineData("""[1, 2]""", "bad JSON: the body is not a JSON object")]
    public void A_delivery_without_readable_data_says_why(string body, string reason)
    {
        Assert.False(Read(body).TryGetData(out _, out var actual));
        Assert.StartsWith(reason, actual, StringComparison.Ordinal);
    }

    [Fact]
    public void A_body_that_is_not_json_is_kept_as_text_under_a_stable_id()
    {
        var first = Read("{oops");
        var again = Read("{oops");

        Assert.Equal(JsonValueKind.String, first.OriginalEvent.ValueKind);
        Assert.Equal("{oops", first.OriginalEvent.GetString());
        Assert.StartsWith("sha256-", first.Id, StringComparison.Ordinal);
        Assert.Equal(first.Id, again.Id);
        Assert.NotEqual(first.Id, Read("{other").Id);
    }

    [Fact]
    public void The_envelope_is_kept_as_it_arrived()
    {
        const string Body = """{"id":"evt-1","source":"catalog","specversion":"1.0","pubsubname":"pubsub","data":{"sku":"A"}}""";

        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(Body).RootElement, Read(Body).OriginalEvent));
    }
}
