using System.Net;
using System.Text;
using Sidecart.Dapr.Tests.Support;

namespace Sidecart.Dapr.Tests.Client;

public sealed class PublishTests : FakeSidecarTest
{
    [Fact]
    public async Task Publish_posts_json_data_with_metadata_in_the_query()
    {
        await Dapr.PublishEventAsync("pubsub", "orders", new Order("o1", 9), TestJsonContext.Default.Order,
            new Dictionary<string, string> { [DaprMetadata.CloudEventId] = "evt 1", [DaprMetadata.RawPayload] = "true" }, Ct);

        var request = Sidecar.SingleRequest;
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1.0/publish/pubsub/orders", request.Path);
        Assert.Equal("?metadata.cloudevent.id=evt%201&metadata.rawPayload=true", request.Query);
        Assert.Equal("application/json", request.ContentType);
        Assert.Equal("""{"id":"o1","total":9}""", request.Body);
    }

    [Fact]
    public async Task Publishing_bytes_keeps_the_given_content_type()
    {
        var cloudEvent = """{"id":"e1","source":"ordering","type":"order.placed","specversion":"1.0","data":{}}""";

        await Dapr.PublishBytesAsync("pubsub", "orders", Encoding.UTF8.GetBytes(cloudEvent), "application/cloudevents+json", cancellationToken: Ct);

        Assert.Equal("application/cloudevents+json", Sidecar.SingleRequest.ContentType);
        Assert.Equal(cloudEvent, Sidecar.SingleRequest.Body);
    }

    [Fact]
    public async Task Publishing_to_an_unknown_pubsub_surfaces_the_dapr_error()
    {
        Sidecar.Respond = _ => SidecarResponse.Error(404, "ERR_PUBSUB_NOT_FOUND", "pubsub nope not found");

        var error = await Assert.ThrowsAsync<DaprApiException>(() =>
            Dapr.PublishEventAsync("nope", "orders", "x", TestJsonContext.Default.String, cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal("ERR_PUBSUB_NOT_FOUND", error.ErrorCode);
    }
}
