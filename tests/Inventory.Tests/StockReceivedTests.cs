using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Sidecart.Events;
using Sidecart.Inventory.Actors;

namespace Sidecart.Inventory.Tests;

/// <summary>Stock receipts published by a warehouse through its own sidecar to topic <c>stock-received</c>.</summary>
public sealed class StockReceivedTests(InventoryFixture fixture) : IClassFixture<InventoryFixture>
{
    private InventorySystem System => fixture.System;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private async Task PublishAsync(string topic, string body, string eventId, string contentType = "application/json")
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        using var response = await System.Caller.PostAsync($"/v1.0/publish/pubsub/{topic}?metadata.cloudevent.id={eventId}", content, Cancellation);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private Task<StockLevel?> StockAsync(string sku) => System.App.GetFromJsonAsync<StockLevel>($"/stock/{sku}", Cancellation);

    private async Task<Dictionary<string, JsonObject>> DeadLettersAsync()
    {
        var records = await System.App.GetFromJsonAsync<JsonArray>("/dead-letters", Cancellation);
        return records!.Select(r => r!.AsObject()).ToDictionary(r => r["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_receipt_published_twice_is_applied_once()
    {
        var sku = InventorySystem.NewSku();
        var receipt = $$"""{"sku":"{{sku}}","quantity":4,"receiptId":"rcpt-{{sku}}"}""";

        await PublishAsync("stock-received", receipt, $"evt-{Guid.NewGuid():N}");
        await InventorySystem.EventuallyAsync(() => StockAsync(sku), l => l?.Available == 4, "the first delivery");
        await PublishAsync("stock-received", receipt, $"evt-{Guid.NewGuid():N}");
        await PublishAsync("stock-received", $$"""{"sku":"{{sku}}","quantity":1,"receiptId":"rcpt-{{sku}}-2"}""", $"evt-{Guid.NewGuid():N}");
        await InventorySystem.EventuallyAsync(() => StockAsync(sku), l => l?.Available >= 5, "the later receipt");
        await Task.Delay(300, Cancellation);

        Assert.Equal(new StockLevel(sku, 5, 0), await StockAsync(sku));
    }

    [Fact]
    public async Task Malformed_receipts_are_dead_lettered_with_their_reason_and_change_no_stock()
    {
        var sku = InventorySystem.NewSku();
        var run = Guid.NewGuid().ToString("N");
        var cases = new Dictionary<string, (string Body, string Reason)>
        {
            [$"bad-json-{run}"] = ("{\"sku\": ", "bad JSON"),
            [$"missing-{run}"] = ($$"""{"sku":"{{sku}}","quantity":2}""", "schema violation at data.receiptId: required field is missing"),
            [$"typed-{run}"] = ($$"""{"sku":"{{sku}}","quantity":"2","receiptId":"r-1"}""", "schema violation at data.quantity: expected integer, got string"),
            [$"zero-{run}"] = ($$"""{"sku":"{{sku}}","quantity":0,"receiptId":"r-2"}""", "schema violation at data.quantity: 0 is less than the minimum 1"),
            [$"negative-{run}"] = ($$"""{"sku":"{{sku}}","quantity":-5,"receiptId":"r-3"}""", "schema violation at data.quantity: -5 is less than the minimum 1"),
        };

        foreach (var (id, (body, _)) in cases)
        {
            await PublishAsync("stock-received", body, id);
        }

        var records = await InventorySystem.EventuallyAsync(DeadLettersAsync, r => cases.Keys.All(r.ContainsKey), "every malformed receipt in /dead-letters");
        foreach (var (id, (_, reason)) in cases)
        {
            Assert.StartsWith(reason, records[id]["reason"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal("stock-received", records[id]["topic"]!.GetValue<string>());
            Assert.Equal(id, records[id]["event"]!["id"]!.GetValue<string>());
        }

        Assert.Equal(new StockLevel(sku, 0, 0), await StockAsync(sku));
    }

    [Fact]
    public async Task What_the_sidecar_dead_lettered_is_recorded_and_the_list_is_newest_first()
    {
        var forwardedId = $"forwarded-{Guid.NewGuid():N}";
        var droppedId = $"dropped-{Guid.NewGuid():N}";

        await PublishAsync("stock-received-dlq", """{"sku":"A","quantity":1,"receiptId":"r"}""", forwardedId);
        await PublishAsync("stock-received", """{"sku":"A","quantity":0,"receiptId":"r"}""", droppedId);

        var records = await InventorySystem.EventuallyAsync(DeadLettersAsync, r => r.ContainsKey(forwardedId) && r.ContainsKey(droppedId), "both dead letters");
        Assert.Equal(DeadLetter.SidecarDeadLettered, records[forwardedId]["reason"]!.GetValue<string>());
        Assert.StartsWith("schema violation", records[droppedId]["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        var listed = await System.App.GetFromJsonAsync<JsonArray>("/dead-letters", Cancellation);
        var receivedAt = listed!.Select(r => DateTimeOffset.Parse(r!["receivedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(receivedAt.OrderByDescending(t => t), receivedAt);
    }
}
