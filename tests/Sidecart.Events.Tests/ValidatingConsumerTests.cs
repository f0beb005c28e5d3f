using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Sidecart.Events.Tests.Support;

namespace Sidecart.Events.Tests;

/// <summary>
/// A consumer as an app wires it (UseCloudEvents, a <see cref="TopicDelivery"/> endpoint, <see cref="ValidatingConsumer"/>
/// with the shared schema file, <c>GET /dead-letters</c>), fed CloudEvents as daprd sends them: valid events reach the
/// handler, malformed ones are kept with their reason and answered DROP, on every kind of state store.
/// </summary>
public sealed class ValidatingConsumerTests
{
    private const string Topic = "stock-received";
    private readonly ConcurrentQueue<StockReceived> _applied = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<StoreFlavour> Flavours => [StoreFlavour.Sqlite, StoreFlavour.Redis, StoreFlavour.PostgreSql, StoreFlavour.MongoDb];

    private Task<WebApplication> StartAsync(FakeSidecar sidecar) => TestApp.StartAsync(sidecar, app =>
    {
        app.MapPost("/events/stock-received", (TopicDelivery delivery, ValidatingConsumer consumer, EventContract<StockReceived> contract, CancellationToken ct) =>
            consumer.HandleAsync(delivery, contract, (received, _) =>
            {
                _applied.Enqueue(received);
                return Task.FromResult(TopicResponse.Success());
            }, ct));
        app.MapPost("/events/stock-received-dlq", (TopicDelivery delivery, ValidatingConsumer consumer, CancellationToken ct) =>
            consumer.KeepDeadLetteredAsync(delivery, Topic, ct));
        app.MapDeadLettersApi();
    }, builder =>
    {
        builder.Services.AddValidatingConsumer();
        builder.Services.AddEventContract(Topic, "stock-received.schema.json", TestJsonContext.Default.StockReceived);
    });

    private static async Task<string> DeliverAsync(WebApplication app, string route, JsonObject envelope)
    {
        using var request = DaprEnvelope.Delivery(route, envelope);
        using var response = await app.GetTestClient().SendAsync(request, Ct);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    private static async Task<Dictionary<string, JsonObject>> DeadLettersAsync(WebApplication app) =>
        (await app.GetTestClient().GetFromJsonAsync<JsonArray>("/dead-letters", Ct))!.Select(l => l!.AsObject()).ToDictionary(l => l["id"]!.GetValue<string>());

    [Fact]
    public async Task A_valid_event_reaches_the_handler_and_is_not_dead_lettered()
    {
        await using var sidecar = await FakeSidecar.StartAsync();
        await using var app = await StartAsync(sidecar);

        var answer = await DeliverAsync(app, "/events/stock-received", DaprEnvelope.Around("evt-1", Topic, """{"sku":"A","quantity":2,"receiptId":"r-1"}"""));

        Assert.Equal("""{"status":"SUCCESS"}""", answer);
        Assert.Equal([new StockReceived("A", 2, "r-1")], _applied);
        Assert.Empty(await DeadLettersAsync(app));
        Assert.Empty(sidecar.Store.Saves);
    }

    [Theory]
    [InlineData("bad-json", """{"sku":"A","quantity": """, "text/plain", "bad JSON: data is not a JSON document")]
    [InlineData("bad-json-as-json", """{"sku":"A","quantity": """, "application/json", "bad JSON: data is not a JSON document")]
    [InlineData("missing", """{"sku":"A","quantity":2}""", "application/json", "schema violation at data.receiptId: required field is missing")]
    [InlineData("typed", """{"sku":"A","quantity":"two","receiptId":"r-1"}""", "application/json", "schema violation at data.quantity: expected integer, got string")]
    [InlineData("negative", """{"sku":"A","quantity":-3,"receiptId":"r-1"}""", "application/json", "schema violation at data.quantity: -3 is less than the minimum 1")]
    [InlineData("too-big", """{"sku":"A","quantity":3000000000,"receiptId":"r-1"}""", "application/json", "unsupported value: ")]
    public async Task A_malformed_event_is_dead_lettered_with_its_reason_and_dropped(string id, string data, string contentType, string reason)
    {
        await using var sidecar = await FakeSidecar.StartAsync();
        await using var app = await StartAsync(sidecar);

        var answer = await DeliverAsync(app, "/events/stock-received", DaprEnvelope.Around(id, Topic, data, contentType));

        Assert.Equal("""{"status":"DROP"}""", answer);
        Assert.Empty(_applied);
        var letter = (await DeadLettersAsync(app))[id];
        Assert.StartsWith(reason, letter["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(Topic, letter["topic"]!.GetValue<string>());
        Assert.Equal(id, letter["event"]!["id"]!.GetValue<string>());
        Assert.Equal("publisher", letter["event"]!["source"]!.GetValue<string>());
        var kept = letter["event"]!["data"]!;
        Assert.True(kept.GetValueKind() == System.Text.Json.JsonValueKind.String ? kept.GetValue<string>() == data : JsonNode.DeepEquals(JsonNode.Parse(data), kept),
            $"kept {kept.ToJsonString()}, published {data}");
    }

    [Theory]
    [MemberData(nameof(Flavours))]
    public async Task A_redelivered_malformed_event_is_dropped_again_and_kept_once(StoreFlavour flavour)
    {
        // With first-write records, the old library read Redis's answer to the second recording (500) as a failure
        // and answered RETRY forever.
        await using var sidecar = await FakeSidecar.StartAsync(flavour);
        await using var app = await StartAsync(sidecar);
        var malformed = DaprEnvelope.Around("evt-1", Topic, """{"sku":"A","quantity":-3,"receiptId":"r-1"}""");

        Assert.Equal("""{"status":"DROP"}""", await DeliverAsync(app, "/events/stock-received", malformed));
        Assert.Equal("""{"status":"DROP"}""", await DeliverAsync(app, "/events/stock-received", malformed));

        Assert.Single(await DeadLettersAsync(app));
    }

    [Theory]
    [MemberData(nameof(Flavours))]
    public async Task What_the_sidecar_forwards_to_the_dlq_is_kept_and_a_refused_event_keeps_its_reason(StoreFlavour flavour)
    {
        await using var sidecar = await FakeSidecar.StartAsync(flavour);
        await using var app = await StartAsync(sidecar);
        var refused = DaprEnvelope.Around("refused", Topic, """{"sku":"A","quantity":-3,"receiptId":"r-1"}""");
        Assert.Equal("""{"status":"DROP"}""", await DeliverAsync(app, "/events/stock-received", refused));

        // The sidecar forwards what was dropped, and what failed its retries, to <topic>-dlq.
        refused["topic"] = "stock-received-dlq";
        Assert.Equal("""{"status":"SUCCESS"}""", await DeliverAsync(app, "/events/stock-received-dlq", refused));
        Assert.Equal("""{"status":"SUCCESS"}""", await DeliverAsync(app, "/events/stock-received-dlq",
            DaprEnvelope.Around("retried-out", "stock-received-dlq", """{"sku":"A","quantity":2,"receiptId":"r-2"}""")));

        var letters = await DeadLettersAsync(app);
        Assert.StartsWith("schema violation at data.quantity", letters["refused"]["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(DeadLetter.SidecarDeadLettered, letters["retried-out"]["reason"]!.GetValue<string>());
        Assert.Equal(Topic, letters["retried-out"]["topic"]!.GetValue<string>());
    }

    [Fact]
    public async Task While_the_dead_letter_cannot_be_kept_the_answer_is_retry()
    {
        await using var sidecar = await FakeSidecar.StartAsync();
        await using var app = await StartAsync(sidecar);
        sidecar.Store.Unavailable = true;

        var answer = await DeliverAsync(app, "/events/stock-received", DaprEnvelope.Around("evt-1", Topic, """{"sku":"A"}"""));

        Assert.Equal("""{"status":"RETRY"}""", answer);
        sidecar.Store.Unavailable = false;
        Assert.Empty(await DeadLettersAsync(app));
    }

    [Fact]
    public async Task The_dead_letters_api_keeps_its_json_shape()
    {
        await using var sidecar = await FakeSidecar.StartAsync();
        await using var app = await StartAsync(sidecar);
        await DeliverAsync(app, "/events/stock-received", DaprEnvelope.Around("evt-1", Topic, """{"sku":"A"}"""));

        using var response = await app.GetTestClient().GetAsync("/dead-letters", Ct);

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var letter = Assert.Single((await response.Content.ReadFromJsonAsync<JsonArray>(Ct))!)!.AsObject();
        Assert.Equal(["id", "topic", "receivedAt", "reason", "event"], letter.Select(p => p.Key));
    }
}
