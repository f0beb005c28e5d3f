using System.Text.Json;
using System.Text.Json.Nodes;
using Conformance.Sdk.Harness;
using Dapr;
using Dapr.Client;
using Dapr.Client.Autogen.Grpc.v1;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Sidecart.Testing;

namespace Conformance.Sdk.PubSub;

/// <summary>What <see cref="DaprClient"/> publishes over gRPC reaches Dapr.AspNetCore subscribers through the local
/// sidecar as it would through daprd (https://docs.dapr.io/reference/api/pubsub_api/,
/// https://docs.dapr.io/developing-applications/building-blocks/pubsub/).</summary>
public class PublishSubscribeTests : IAsyncLifetime
{
    private const string PubSub = "pubsub";

    private RedisServer? _redis;
    private string? _redisResources;

    public sealed record Shipment(string OrderId, int Parcels);

    /// <summary>The Redis variant runs every test with the pubsub component on a private redis-server.</summary>
    protected virtual bool OnRedis => false;

    public async ValueTask InitializeAsync()
    {
        if (!OnRedis)
        {
            return;
        }

        SdkSidecar.RequireInProcess();
        RedisServer.Require();

        _redis = await RedisServer.StartAsync();
        _redisResources = RedisPubSubFolder.Create(SidecarUnderTest.ResourcesPath, _redis);
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
            Directory.Delete(_redisResources!, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    private Task<SdkSidecar> StartSidecarAsync(string appId = "sdk-conformance", int? appPort = null) =>
        SdkSidecar.StartAsync(appId, appPort, _redisResources is { } resources ? o => o with { ResourcesPaths = [resources] } : null);

    private async Task<(SubscriberApp App, SdkSidecar Sidecar)> StartAsync(Action<WebApplication, Received> map)
    {
        SdkSidecar.RequireInProcess();
        var app = await SubscriberApp.StartAsync(map);
        var sidecar = await StartSidecarAsync("subscriber", app.Port);
        await Sidecart.Testing.Eventually.UntilAsync(() => Task.FromResult(sidecar.InProcess!.Context.AppChannel!.IsHealthy), healthy => healthy,
            "the subscriber to be reachable", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20));
        return (app, sidecar);
    }

    private static async Task<IReadOnlyList<PubsubSubscription>> SubscriptionsAsync(SdkSidecar sidecar)
    {
        using var raw = sidecar.CreateRawClient();
        return (await raw.Client.GetMetadataAsync(new GetMetadataRequest(), raw.Headers)).Subscriptions.ToList();
    }

    private static Task<IReadOnlyList<PubsubSubscription>> WaitForSubscriptionsAsync(SdkSidecar sidecar, params string[] topics) =>
        Sidecart.Testing.Eventually.UntilAsync(() => SubscriptionsAsync(sidecar), found => topics.All(t => found.Any(s => s.Topic == t)),
            $"subscriptions to {string.Join(", ", topics)}", TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20));

    /// <summary>A handler that records each shipment it receives under its route.</summary>
    private static RouteHandlerBuilder RecordShipments(WebApplication web, Received received, string route) =>
        web.MapPost(route, (Shipment shipment) =>
        {
            received.Add(route, JsonSerializer.Serialize(shipment));
            return Results.Ok();
        });

    [Fact]
    public async Task An_object_published_with_metadata_reaches_a_WithTopic_handler_as_its_data()
    {
        var (app, sidecar) = await StartAsync((web, received) =>
            RecordShipments(web, received, "/shipments").WithTopic(PubSub, "shipments"));
        await using (app)
        await using (sidecar)
        {
            using var client = sidecar.CreateClient();
            await WaitForSubscriptionsAsync(sidecar, "shipments");

            await client.PublishEventAsync(PubSub, "shipments", new Shipment("o-7", 2), new Dictionary<string, string> { ["ttlInSeconds"] = "60" });

            var delivered = Assert.Single(await app.Received.WaitForAsync("/shipments", 1));
            Assert.Equal(new Shipment("o-7", 2), JsonSerializer.Deserialize<Shipment>(delivered));
        }
    }

    [Fact]
    public async Task The_envelope_names_the_publisher_topic_pubsub_and_json_content_type()
    {
        var (app, sidecar) = await StartAsync((_, _) => { });
        await using (app)
        await using (sidecar)
        {
            using var client = sidecar.CreateClient();
            var captured = CaptureEnvelopes(sidecar, "envelopes");
            await client.PublishEventAsync(PubSub, "envelopes", new Shipment("o-8", 1));

            var envelope = await captured.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal("subscriber", envelope["source"]!.GetValue<string>());
            Assert.Equal("envelopes", envelope["topic"]!.GetValue<string>());
            Assert.Equal(PubSub, envelope["pubsubname"]!.GetValue<string>());
            Assert.Equal("com.dapr.event.sent", envelope["type"]!.GetValue<string>());
            Assert.Equal("application/json", envelope["datacontenttype"]!.GetValue<string>());
            Assert.Equal("o-8", envelope["data"]!["orderId"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_CloudEvent_published_by_the_SDK_keeps_its_id_and_type()
    {
        var (app, sidecar) = await StartAsync((_, _) => { });
        await using (app)
        await using (sidecar)
        {
            using var client = sidecar.CreateClient();
            var captured = CaptureEnvelopes(sidecar, "typed");
            await client.PublishEventAsync(PubSub, "typed", new CloudEvent<Shipment>(new Shipment("o-9", 4)) { Type = "shipment.created", Source = new Uri("urn:test") });


            var envelope = await captured.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal("shipment.created", envelope["type"]!.GetValue<string>());
            Assert.Equal("urn:test", envelope["source"]!.GetValue<string>());
            Assert.Equal(4, envelope["data"]!["parcels"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task A_raw_payload_is_published_as_is()
    {
        var (app, sidecar) = await StartAsync((_, _) => { });
        await using (app)
        await using (sidecar)
        {
            using var client = sidecar.CreateClient();
            var captured = CaptureRaw(sidecar, "raw");
            await client.PublishByteEventAsync(PubSub, "raw", "not json at all"u8.ToArray(), "text/plain", new Dictionary<string, string> { ["rawPayload"] = "true" });
            Assert.Equal("not json at all", await captured.WaitAsync(TimeSpan.FromSeconds(10)));
        }
    }

    [Fact]
    public async Task A_handler_that_keeps_failing_sends_the_event_to_its_dead_letter_topic()
    {
        var (app, sidecar) = await StartAsync((web, received) =>
        {
            web.MapPost("/failing", () => Results.StatusCode(500))
                .WithTopic(new TopicOptions { PubsubName = PubSub, Name = "failing", DeadLetterTopic = "failing-dead" });
            RecordShipments(web, received, "/dead").WithTopic(PubSub, "failing-dead");
        });
        await using (app)
        await using (sidecar)
        {
            using var client = sidecar.CreateClient();
            await WaitForSubscriptionsAsync(sidecar, "failing", "failing-dead");
            var subscription = (await SubscriptionsAsync(sidecar)).Single(s => s.Topic == "failing");
            Assert.Equal("failing-dead", subscription.DeadLetterTopic);

            await client.PublishEventAsync(PubSub, "failing", new Shipment("o-dead", 1));
            var dead = Assert.Single(await app.Received.WaitForAsync("/dead", 1));
            Assert.Equal("o-dead", JsonSerializer.Deserialize<Shipment>(dead)!.OrderId);
        }
    }

    [Fact]
    public async Task A_Topic_attributed_controller_action_receives_what_is_published()
    {
        var (app, sidecar) = await StartAsync((_, _) => { });
        await using (app)
        await using (sidecar)
        {
            using var client = sidecar.CreateClient();
            await WaitForSubscriptionsAsync(sidecar, "parcels");
            await client.PublishEventAsync(PubSub, "parcels", new Shipment("o-ctl", 3));
            Assert.Equal("o-ctl", JsonSerializer.Deserialize<Shipment>(Assert.Single(await app.Received.WaitForAsync("/parcels", 1)))!.OrderId);
        }
    }

    [Fact]
    public async Task Bulk_publish_delivers_every_event()
    {
        var (app, sidecar) = await StartAsync((web, received) =>
            RecordShipments(web, received, "/bulk").WithTopic(PubSub, "bulk"));
        await using (app)
        await using (sidecar)
        {
            using var client = sidecar.CreateClient();
            await WaitForSubscriptionsAsync(sidecar, "bulk");

            var response = await client.BulkPublishEventAsync(PubSub, "bulk", new[] { new Shipment("b-1", 1), new Shipment("b-2", 2), new Shipment("b-3", 3) });
            Assert.Empty(response.FailedEntries);
            var orders = (await app.Received.WaitForAsync("/bulk", 3)).Select(b => JsonSerializer.Deserialize<Shipment>(b)!.OrderId).Order();
            Assert.Equal(["b-1", "b-2", "b-3"], orders);
        }
    }

    [Fact]
    public async Task Publishing_to_an_unknown_pubsub_is_InvalidArgument_DAPR_PUBSUB_NOT_FOUND()
    {
        await using var sidecar = await StartSidecarAsync();
        using var client = sidecar.CreateClient();
        var e = await Assert.ThrowsAsync<DaprException>(() => client.PublishEventAsync("nope", "orders", new Shipment("x", 1)));
        var rpc = RpcErrors.Inner(e);
        Assert.Equal(StatusCode.InvalidArgument, rpc.StatusCode);
        Assert.Equal("pubsub nope is not found", rpc.Status.Detail);
        Assert.Equal("DAPR_PUBSUB_NOT_FOUND", RpcErrors.ErrorInfo(rpc)?.Reason);
        Assert.Null(RpcErrors.Detail<Google.Rpc.ResourceInfo>(rpc));
    }

    [Fact]
    public async Task A_rawPayload_that_is_not_a_boolean_is_InvalidArgument_DAPR_PUBSUB_METADATA_DESERIALIZATION()
    {
        await using var sidecar = await StartSidecarAsync();
        using var client = sidecar.CreateClient();
        var e = await Assert.ThrowsAsync<DaprException>(() =>
            client.PublishEventAsync(PubSub, "orders", new Shipment("x", 1), new Dictionary<string, string> { ["rawPayload"] = "maybe" }));
        var rpc = RpcErrors.Inner(e);
        Assert.Equal(StatusCode.InvalidArgument, rpc.StatusCode);
        Assert.Equal("DAPR_PUBSUB_METADATA_DESERIALIZATION", RpcErrors.ErrorInfo(rpc)?.Reason);
        Assert.Equal(PubSub, RpcErrors.Detail<Google.Rpc.ResourceInfo>(rpc)?.ResourceName);
    }

    private static Task<JsonObject> CaptureEnvelopes(SdkSidecar sidecar, string topic) =>
        Capture(sidecar, topic, data => JsonNode.Parse(data)!.AsObject());

    private static Task<string> CaptureRaw(SdkSidecar sidecar, string topic) =>
        Capture(sidecar, topic, data => System.Text.Encoding.UTF8.GetString(data));

    /// <summary>Reads the first message on a topic as the broker holds it (the topic has no other subscriber).</summary>
    private static Task<T> Capture<T>(SdkSidecar sidecar, string topic, Func<byte[], T> read)
    {
        if (!sidecar.InProcess!.Context.Components.TryGet<LocalSidecar.Components.PubSub.IPubSub>(PubSub, out var broker))
        {
            throw new InvalidOperationException("no pubsub component");
        }

        var captured = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = broker.Subscribe(topic, new Dictionary<string, string>(), (message, _) =>
        {
            captured.TrySetResult(read(message.Data.ToArray()));
            return Task.CompletedTask;
        });
        return captured.Task;
    }
}

/// <summary>The same tests with the pubsub component on <c>pubsub.redis</c>: publish over gRPC, delivery through Redis Streams.</summary>
public sealed class RedisPublishSubscribeTests : PublishSubscribeTests
{
    protected override bool OnRedis => true;
}

/// <summary>A controller subscribed with the <see cref="TopicAttribute"/>, as MVC users of Dapr.AspNetCore write it.</summary>
[ApiController]
public sealed class ParcelsController(Received received) : ControllerBase
{
    [Topic("pubsub", "parcels")]
    [HttpPost("/parcels")]
    public IActionResult Post(PublishSubscribeTests.Shipment shipment)
    {
        received.Add("/parcels", JsonSerializer.Serialize(shipment));
        return Ok();
    }
}
