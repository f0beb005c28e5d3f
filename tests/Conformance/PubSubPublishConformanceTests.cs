using System.Net;
using System.Text.Json.Nodes;
using Conformance.Harness;

namespace Conformance;

/// <summary>https://docs.dapr.io/reference/api/pubsub_api/: the publish endpoint's statuses and error codes.</summary>
public sealed class PubSubPublishConformanceTests
{
    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    public async Task Publish_answers_204(string method)
    {
        await using var sidecar = await SidecarHarness.StartAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), "/v1.0/publish/pubsub/orders") { Content = Json.Body("""{"id":1}""") };
        using var response = await sidecar.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Topics_may_contain_slashes()
    {
        await using var sidecar = await SidecarHarness.StartAsync();
        using var response = await sidecar.Client.PostAsync("/v1.0/publish/pubsub/orders/eu/created", Json.Body("{}"));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_pubsub_is_404_ERR_PUBSUB_NOT_FOUND_with_an_ErrorInfo_and_no_ResourceInfo()
    {
        await using var sidecar = await SidecarHarness.StartAsync();
        using var response = await sidecar.Client.PostAsync("/v1.0/publish/nope/orders", Json.Body("{}"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await Json.ReadAsync(response);
        Assert.Equal("ERR_PUBSUB_NOT_FOUND", body["errorCode"]!.GetValue<string>());
        // dapr/dapr pkg/api/errors/pubsub.go NotFound: the message says "is not found" and skips the ResourceInfo.
        Assert.Equal("pubsub nope is not found", body["message"]!.GetValue<string>());
        var details = body["details"]!.AsArray();
        var detail = Assert.Single(details);
        Assert.Equal("type.googleapis.com/google.rpc.ErrorInfo", detail!["@type"]!.GetValue<string>());
        Assert.Equal("DAPR_PUBSUB_NOT_FOUND", detail["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_any_pubsub_component_the_pubsub_is_404_ERR_PUBSUB_NOT_FOUND()
    {
        SidecarHarness.RequireInProcess();
        var empty = Directory.CreateTempSubdirectory("sidecart-no-pubsub");
        try
        {
            await using var sidecar = await SidecarHarness.StartAsync(resourcesPaths: [empty.FullName]);
            using var response = await sidecar.Client.PostAsync("/v1.0/publish/pubsub/orders", Json.Body("{}"));
            // daprd always has its publisher, so with no pub/sub component the name is simply not found.
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            var body = await Json.ReadAsync(response);
            Assert.Equal("ERR_PUBSUB_NOT_FOUND", body["errorCode"]!.GetValue<string>());
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Empty_pubsub_name_is_404_ERR_PUBSUB_EMPTY()
    {
        // daprd's router has no route without a pubsub segment (the request falls through to invocation).
        SidecarHarness.RequireInProcess();
        await using var sidecar = await SidecarHarness.StartAsync();
        using var response = await sidecar.Client.PostAsync("/v1.0/publish/", Json.Body("{}"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("ERR_PUBSUB_EMPTY", await Json.ErrorCodeAsync(response));
    }

    [Fact]
    public async Task Double_slashes_are_collapsed_and_escaped_slashes_belong_to_the_topic()
    {
        await using var sidecar = await SidecarHarness.StartAsync();
        using var collapsed = await sidecar.Client.PostAsync("/v1.0/publish//pubsub//orders", Json.Body("{}"));
        Assert.Equal(HttpStatusCode.NoContent, collapsed.StatusCode);
        using var unknown = await sidecar.Client.PostAsync("/v1.0/publish/pub%2Fsub/orders", Json.Body("{}"));
        var error = await Json.ReadAsync(unknown);
        Assert.Equal("ERR_PUBSUB_NOT_FOUND", error["errorCode"]!.GetValue<string>());
        Assert.Equal("pubsub pub/sub is not found", error["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Empty_topic_is_404_ERR_TOPIC_NAME_EMPTY()
    {
        await using var sidecar = await SidecarHarness.StartAsync();
        using var response = await sidecar.Client.PostAsync("/v1.0/publish/pubsub/", Json.Body("{}"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await Json.ReadAsync(response);
        Assert.Equal("ERR_TOPIC_NAME_EMPTY", body["errorCode"]!.GetValue<string>());
        Assert.Equal("topic is empty in pubsub pubsub", body["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("yes")]
    public async Task A_rawPayload_that_is_not_a_boolean_is_400_ERR_PUBSUB_REQUEST_METADATA(string value)
    {
        await using var sidecar = await SidecarHarness.StartAsync();
        using var response = await sidecar.Client.PostAsync($"/v1.0/publish/pubsub/orders?metadata.rawPayload={value}", Json.Body("{}"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await Json.ReadAsync(response);
        Assert.Equal("ERR_PUBSUB_REQUEST_METADATA", body["errorCode"]!.GetValue<string>());
        Assert.NotNull(body["details"]);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2]")]
    [InlineData("\"a string\"")]
    public async Task A_custom_cloudevent_that_is_not_a_json_object_is_500_ERR_PUBSUB_CLOUD_EVENTS_SER(string body)
    {
        await using var sidecar = await SidecarHarness.StartAsync();
        using var response = await sidecar.Client.PostAsync("/v1.0/publish/pubsub/orders", Json.Body(body, "application/cloudevents+json"));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var error = await Json.ReadAsync(response);
        Assert.Equal("ERR_PUBSUB_CLOUD_EVENTS_SER", error["errorCode"]!.GetValue<string>());
        Assert.IsType<JsonArray>(error["details"]);
    }
}
