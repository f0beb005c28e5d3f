using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Sidecart.Dapr.AspNetCore;
using Sidecart.Dapr.Tests.Support;

namespace Sidecart.Dapr.Tests.AspNetCore;

public sealed class IdempotentConsumerTests : FakeSidecarTest
{
    private readonly ConcurrentDictionary<string, string> _state = new();
    private int _runs;
    private TopicResult _outcome = TopicResults.Success();

    private async Task<WebApplication> StartAsync()
    {
        Sidecar.Respond = InMemoryStateStore;
        return await TestApp.StartAsync(
            app => app.MapPost("/orders", (CloudEvent<Order> cloudEvent, IdempotentConsumer consumer, CancellationToken ct) =>
                consumer.HandleOnceAsync(cloudEvent, (_, _) =>
                {
                    Interlocked.Increment(ref _runs);
                    return Task.FromResult(_outcome);
                }, ct)).WithTopic("pubsub", "orders"),
            builder =>
            {
                builder.Services.AddDaprClient(o => o.HttpEndpoint = Sidecar.Endpoint);
                builder.Services.AddIdempotentConsumer(o => o.TimeToLive = TimeSpan.FromMinutes(10));
            });
    }

    [Fact]
    public async Task A_redelivered_event_is_acknowledged_without_running_the_handler_again()
    {
        await using var app = await StartAsync();
        var client = app.GetTestClient();

        var first = await DeliverAsync(client, "e1");
        var second = await DeliverAsync(client, "e1");

        Assert.Equal(1, _runs);
        Assert.Equal("""{"status":"SUCCESS"}""", first);
        Assert.Equal("""{"status":"SUCCESS"}""", second);
        var save = Assert.Single(Sidecar.Requests, r => r.Method == "POST");
        Assert.Equal("?metadata.ttlInSeconds=600", save.Query);
        var item = JsonNode.Parse(save.Body)![0]!;
        Assert.Equal("processed-event:pubsub:orders:e1", item["key"]!.GetValue<string>());
        Assert.Equal("first-write", item["options"]!["concurrency"]!.GetValue<string>());
    }

    [Fact]
    public async Task Different_event_ids_each_run_the_handler()
    {
        await using var app = await StartAsync();
        var client = app.GetTestClient();

        await DeliverAsync(client, "e1");
        await DeliverAsync(client, "e2");

        Assert.Equal(2, _runs);
    }

    [Fact]
    public async Task An_event_whose_handler_asked_for_a_retry_is_not_remembered()
    {
        await using var app = await StartAsync();
        var client = app.GetTestClient();
        _outcome = TopicResults.Retry();

        Assert.Equal("""{"status":"RETRY"}""", await DeliverAsync(client, "e1"));
        _outcome = TopicResults.Success();
        Assert.Equal("""{"status":"SUCCESS"}""", await DeliverAsync(client, "e1"));

        Assert.Equal(2, _runs);
        Assert.Single(Sidecar.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task A_handler_reading_the_raw_delivery_is_remembered_under_the_given_topic_and_id()
    {
        Sidecar.Respond = InMemoryStateStore;
        await using var app = await TestApp.StartAsync(
            app => app.MapPost("/shipments", (IdempotentConsumer consumer, CancellationToken ct) =>
                consumer.HandleOnceAsync("pubsub", "shipments", "shipment-o1", _ =>
                {
                    Interlocked.Increment(ref _runs);
                    return Task.FromResult(TopicResults.Success());
                }, ct)),
            builder =>
            {
                builder.Services.AddDaprClient(o => o.HttpEndpoint = Sidecar.Endpoint);
                builder.Services.AddIdempotentConsumer();
            });
        var client = app.GetTestClient();

        (await client.PostAsync("/shipments", null, Ct)).Dispose();
        (await client.PostAsync("/shipments", null, Ct)).Dispose();

        Assert.Equal(1, _runs);
        var save = Assert.Single(Sidecar.Requests, r => r.Method == "POST");
        Assert.Equal("processed-event:pubsub:shipments:shipment-o1", JsonNode.Parse(save.Body)![0]!["key"]!.GetValue<string>());
    }

    private static async Task<string> DeliverAsync(HttpClient client, string id)
    {
        using var response = await client.PostAsync("/orders", TestApp.CloudEventBody($$$"""
            {"id":"{{{id}}}","source":"ordering","type":"com.dapr.event.sent","specversion":"1.0","topic":"orders","pubsubname":"pubsub","data":{"id":"o1","total":5}}
            """), Ct);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    // Just enough of a state store for the consumer: get, and save honouring first-write (§2.2, §2.3).
    private SidecarResponse InMemoryStateStore(RecordedRequest request)
    {
        const string prefix = "/v1.0/state/statestore";
        if (request.Method == "GET" && request.Path.StartsWith(prefix + "/", StringComparison.Ordinal))
        {
            var key = Uri.UnescapeDataString(request.Path[(prefix.Length + 1)..]);
            return _state.TryGetValue(key, out var value)
                ? SidecarResponse.Json(value, new Dictionary<string, string> { ["ETag"] = "1" })
                : SidecarResponse.NoContent();
        }

        if (request.Method == "POST" && request.Path == prefix)
        {
            foreach (var item in JsonNode.Parse(request.Body)!.AsArray())
            {
                var key = item!["key"]!.GetValue<string>();
                var firstWrite = item["options"]?["concurrency"]?.GetValue<string>() == "first-write";
                if (firstWrite && !_state.TryAdd(key, item["value"]!.ToJsonString()))
                {
                    return SidecarResponse.Error(409, "ERR_STATE_SAVE", "possible etag mismatch");
                }

                _state[key] = item["value"]!.ToJsonString();
            }

            return SidecarResponse.NoContent();
        }

        return new SidecarResponse(404, "unexpected request");
    }
}
