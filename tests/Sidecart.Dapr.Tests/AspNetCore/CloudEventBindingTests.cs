using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Sidecart.Dapr.AspNetCore;
using Sidecart.Dapr.Tests.Support;

namespace Sidecart.Dapr.Tests.AspNetCore;

public sealed class CloudEventBindingTests
{
    private readonly ConcurrentQueue<CloudEvent<Order>> _received = new();

    private Task<Microsoft.AspNetCore.Builder.WebApplication> StartAsync() => TestApp.StartAsync(app =>
        app.MapPost("/orders", (CloudEvent<Order> cloudEvent) =>
        {
            _received.Enqueue(cloudEvent);
            return TopicResults.Success();
        }).WithTopic("pubsub", "orders"));

    [Fact]
    public async Task A_delivered_cloud_event_binds_its_envelope_and_typed_data()
    {
        await using var app = await StartAsync();

        using var response = await app.GetTestClient().PostAsync("/orders", TestApp.CloudEventBody("""
            {"id":"e1","source":"ordering","type":"com.dapr.event.sent","specversion":"1.0","datacontenttype":"application/json",
             "data":{"id":"o1","total":5},"topic":"orders","pubsubname":"pubsub","time":"2026-11-22T05:00:00Z",
             "traceid":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01","traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01","tracestate":""}
            """), TestContext.Current.CancellationToken);

        Assert.Equal("""{"status":"SUCCESS"}""", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var cloudEvent = Assert.Single(_received);
        Assert.Equal(("e1", "ordering", "com.dapr.event.sent", "1.0"), (cloudEvent.Id, cloudEvent.Source, cloudEvent.Type, cloudEvent.SpecVersion));
        Assert.Equal(("orders", "pubsub", "application/json"), (cloudEvent.Topic, cloudEvent.PubsubName, cloudEvent.DataContentType));
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 5, 0, 0, TimeSpan.Zero), cloudEvent.Time);
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", cloudEvent.TraceParent);
        Assert.Equal(new Order("o1", 5), cloudEvent.Data);
    }

    [Fact]
    public async Task A_raw_payload_delivery_binds_json_from_data_base64()
    {
        await using var app = await StartAsync();
        var payload = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"id":"o2","total":1}"""));

        using var response = await app.GetTestClient().PostAsync("/orders", TestApp.CloudEventBody($$"""
            {"id":"e2","source":"Dapr","type":"com.dapr.event.sent","specversion":"1.0","datacontenttype":"application/octet-stream","data_base64":"{{payload}}"}
            """), TestContext.Current.CancellationToken);

        Assert.Equal("""{"status":"SUCCESS"}""", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(new Order("o2", 1), Assert.Single(_received).Data);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("[]")]
    [InlineData("""{"source":"ordering","data":{"id":"o1","total":5}}""")]
    [InlineData("""{"id":"e1","data":"a string, not an order"}""")]
    [InlineData("""{"id":"e1","source":"ordering"}""")]
    [InlineData("""{"id":"e1","data":{"id":"o1","total":5},"time":"yesterday"}""")]
    [InlineData("")]
    public async Task An_invalid_body_is_dropped_without_calling_the_handler(string body)
    {
        await using var app = await StartAsync();

        using var response = await app.GetTestClient().PostAsync("/orders", TestApp.CloudEventBody(body), TestContext.Current.CancellationToken);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("""{"status":"DROP"}""", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Empty(_received);
    }
}
