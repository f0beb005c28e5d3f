using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Sidecart.Events.Tests.Support;

namespace Sidecart.Events.Tests;

/// <summary>
/// <see cref="IdempotentConsumer"/> behind the CloudEvents middleware, remembering processed ids through the real
/// DaprClient in a state store of each kind.
/// </summary>
public sealed class IdempotentConsumerTests
{
    private int _runs;
    private TopicResponse _outcome = TopicResponse.Success();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<StoreFlavour> Flavours => [StoreFlavour.Sqlite, StoreFlavour.Redis, StoreFlavour.PostgreSql, StoreFlavour.MongoDb];

    private Task<WebApplication> StartAsync(FakeSidecar sidecar, Action<IdempotentConsumerOptions>? configure = null) => TestApp.StartAsync(sidecar,
        app => app.MapPost("/events/orders", (TopicDelivery delivery, IdempotentConsumer consumer, CancellationToken ct) =>
            consumer.HandleOnceAsync(delivery, "pubsub", "orders", _ =>
            {
                Interlocked.Increment(ref _runs);
                return Task.FromResult(_outcome);
            }, ct)),
        builder => builder.Services.AddIdempotentConsumer(configure ?? (o => o.TimeToLive = TimeSpan.FromMinutes(10))));

    private static async Task<string> DeliverAsync(WebApplication app, string id)
    {
        using var request = DaprEnvelope.Delivery("/events/orders", DaprEnvelope.Around(id, "orders", """{"id":"o1","total":5}"""));
        using var response = await app.GetTestClient().SendAsync(request, Ct);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    [Fact]
    public async Task A_redelivered_event_is_acknowledged_without_running_the_handler_again()
    {
        await using var sidecar = await FakeSidecar.StartAsync();
        await using var app = await StartAsync(sidecar);

        var first = await DeliverAsync(app, "e1");
        var second = await DeliverAsync(app, "e1");

        Assert.Equal(1, _runs);
        Assert.Equal("""{"status":"SUCCESS"}""", first);
        Assert.Equal("""{"status":"SUCCESS"}""", second);
        var save = Assert.Single(sidecar.Store.Saves);
        Assert.Equal("processed-event:pubsub:orders:e1", save.Key);
        Assert.Equal("600", save.Metadata["ttlInSeconds"]);
        Assert.Equal("e1", JsonNode.Parse(save.Value)!["id"]!.GetValue<string>());

        // A plain write: racing deliveries write the same fact, and no store's way of reporting a conflict matters.
        Assert.False(save.FirstWrite);
        Assert.Null(save.ETag);
    }

    [Fact]
    public async Task Different_event_ids_each_run_the_handler()
    {
        await using var sidecar = await FakeSidecar.StartAsync();
        await using var app = await StartAsync(sidecar);

        await DeliverAsync(app, "e1");
        await DeliverAsync(app, "e2");

        Assert.Equal(2, _runs);
    }

    [Fact]
    public async Task An_event_whose_handler_asked_for_a_retry_is_not_remembered()
    {
        await using var sidecar = await FakeSidecar.StartAsync();
        await using var app = await StartAsync(sidecar);
        _outcome = TopicResponse.Retry();

        Assert.Equal("""{"status":"RETRY"}""", await DeliverAsync(app, "e1"));
        _outcome = TopicResponse.Success();
        Assert.Equal("""{"status":"SUCCESS"}""", await DeliverAsync(app, "e1"));

        Assert.Equal(2, _runs);
        Assert.Single(sidecar.Store.Saves);
    }

    [Fact]
    public async Task Without_a_time_to_live_markers_are_kept_forever()
    {
        await using var sidecar = await FakeSidecar.StartAsync();
        await using var app = await StartAsync(sidecar, o => o.TimeToLive = null);

        await DeliverAsync(app, "e1");

        Assert.Empty(Assert.Single(sidecar.Store.Saves).Metadata);
    }

    [Fact]
    public async Task A_handler_given_the_id_is_remembered_under_the_given_topic_and_id()
    {
        await using var sidecar = await FakeSidecar.StartAsync();
        await using var app = await TestApp.StartAsync(sidecar,
            app => app.MapPost("/shipments", (IdempotentConsumer consumer, CancellationToken ct) =>
                consumer.HandleOnceAsync("pubsub", "shipments", "shipment-o1", _ =>
                {
                    Interlocked.Increment(ref _runs);
                    return Task.FromResult(TopicResponse.Success());
                }, ct)),
            builder => builder.Services.AddIdempotentConsumer());
        var client = app.GetTestClient();

        (await client.PostAsync("/shipments", null, Ct)).Dispose();
        (await client.PostAsync("/shipments", null, Ct)).Dispose();

        Assert.Equal(1, _runs);
        Assert.Equal("processed-event:pubsub:shipments:shipment-o1", Assert.Single(sidecar.Store.Saves).Key);
    }

    [Theory]
    [MemberData(nameof(Flavours))]
    public async Task A_delivery_racing_another_one_is_acknowledged_however_the_store_takes_the_second_marker(StoreFlavour flavour)
    {
        // The other delivery (or the previous library, which wrote markers with first-write) marks the id while this
        // one runs the handler; on Redis the plain write that follows then fails.
        await using var sidecar = await FakeSidecar.StartAsync(flavour);
        await using var app = await StartAsync(sidecar);
        sidecar.Store.BeforeNextWriteOf("processed-event:pubsub:orders:e1", () =>
            Assert.Null(sidecar.Store.WriteAsAnother("processed-event:pubsub:orders:e1", """{"id":"e1","processedAt":"2026-01-01T10:00:00+00:00"}""", firstWrite: true)));

        Assert.Equal("""{"status":"SUCCESS"}""", await DeliverAsync(app, "e1"));
        Assert.Equal("""{"status":"SUCCESS"}""", await DeliverAsync(app, "e1"));

        Assert.Equal(1, _runs);
    }

    [Fact]
    public async Task While_the_store_is_down_the_event_is_retried_before_the_handler_runs()
    {
        await using var sidecar = await FakeSidecar.StartAsync();
        await using var app = await StartAsync(sidecar);
        sidecar.Store.Unavailable = true;

        Assert.Equal("""{"status":"RETRY"}""", await DeliverAsync(app, "e1"));
        Assert.Equal(0, _runs);
    }
}
