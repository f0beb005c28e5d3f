using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace EndToEnd;

/// <summary>
/// Each kind of malformed event, published from outside through a sidecar, to each consumer of <c>dapr.yaml</c>: it is
/// never applied, and it lands in the consuming app's <c>GET /dead-letters</c> with the original event and a reason
/// naming what is wrong.
/// </summary>
public abstract class DeadLetterFlowTests(SystemFixture system)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Malformed(string Body, string Reason, string ContentType = "application/json");

    [Fact]
    public async Task Malformed_stock_receipts_land_in_inventorys_dead_letters_and_change_no_stock()
    {
        system.Require();
        var run = NewRun();
        var sku = "DLQ-" + run[..8].ToUpperInvariant();
        await PublishAsync("stock-received", JsonSerializer.Serialize(new { sku, quantity = 3, receiptId = $"receipt-{run}" }), $"valid-{run}");
        await WaitAsync(async () => await StockAsync(sku) == (3, 0), $"the valid receipt for {sku}");

        var cases = new Dictionary<string, Malformed>
        {
            [$"bad-json-{run}"] = new($$"""{"sku": "{{sku}}", "quantity": """, "bad JSON", "text/plain"),
            [$"missing-{run}"] = new($$"""{"sku":"{{sku}}","quantity":2}""", "schema violation at data.receiptId: required field is missing"),
            [$"typed-{run}"] = new($$"""{"sku":"{{sku}}","quantity":"five","receiptId":"r-typed-{{run}}"}""", "schema violation at data.quantity: expected integer, got string"),
            [$"negative-{run}"] = new($$"""{"sku":"{{sku}}","quantity":-3,"receiptId":"r-negative-{{run}}"}""", "schema violation at data.quantity: -3 is less than the minimum 1"),
        };

        await AssertDeadLetteredAsync(system.Inventory, "stock-received", cases);
        Assert.Equal((3, 0), await StockAsync(sku));
    }

    [Fact]
    public async Task Malformed_or_unshippable_shipments_land_in_orderings_dead_letters_and_change_no_order()
    {
        system.Require();
        var run = NewRun();
        var rejected = await PlaceRejectedOrderAsync();
        var unknown = $"ord-unknown-{run}";
        string Shipment(string orderId, string carrier = "\"Sidecart Express\"", string dispatchedAt = "2026-01-01T10:00:02Z") =>
            $$"""{"orderId":"{{orderId}}","shipmentId":"shp-{{run}}","carrier":{{carrier}},"trackingNumber":"SCX1","dispatchedAt":"{{dispatchedAt}}"}""";

        var cases = new Dictionary<string, Malformed>
        {
            [$"bad-json-{run}"] = new($$"""{"orderId": "{{rejected}}", """, "bad JSON", "text/plain"),
            [$"missing-{run}"] = new($$"""{"orderId":"{{rejected}}","shipmentId":"shp-{{run}}","carrier":"Sidecart Express","dispatchedAt":"2026-01-01T10:00:02Z"}""",
                "schema violation at data.trackingNumber: required field is missing"),
            [$"typed-{run}"] = new(Shipment(rejected, carrier: "7"), "schema violation at data.carrier: expected string, got integer"),
            [$"invalid-{run}"] = new(Shipment(rejected, dispatchedAt: "yesterday"), "schema violation at data.dispatchedAt: \"yesterday\" is not an RFC 3339 date-time"),
            [$"unknown-{run}"] = new(Shipment(unknown), $"unknown order: no order has id '{unknown}'"),
            [$"rejected-{run}"] = new(Shipment(rejected), $"not shippable: order '{rejected}' was rejected or cancelled"),
        };

        await AssertDeadLetteredAsync(system.Ordering, "shipments", cases);
        Assert.Equal("Rejected", (await system.Ordering.GetFromJsonAsync<JsonElement>($"/orders/{rejected}", Ct)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Malformed_product_updates_land_in_catalogs_dead_letters_and_change_no_product()
    {
        system.Require();
        var run = NewRun();
        var before = await system.Catalog.GetStringAsync("/products/HEADLAMP-400", Ct);
        const string Valid = "\"name\":\"Headlamp\",\"currency\":\"EUR\",\"updatedAt\":\"2026-01-01T09:30:00Z\"";

        var cases = new Dictionary<string, Malformed>
        {
            [$"bad-json-{run}"] = new("""{"sku": "HEADLAMP-400", "price": """, "bad JSON", "text/plain"),
            [$"missing-{run}"] = new("""{"sku":"HEADLAMP-400","name":"Headlamp","currency":"EUR","updatedAt":"2026-01-01T09:30:00Z"}""",
                "schema violation at data.price: required field is missing"),
            [$"typed-{run}"] = new($$"""{"sku":"HEADLAMP-400","price":"1.00",{{Valid}}}""", "schema violation at data.price: expected number, got string"),
            [$"negative-{run}"] = new($$"""{"sku":"HEADLAMP-400","price":-1.5,{{Valid}}}""", "schema violation at data.price: -1.5 must be greater than 0"),
        };

        await AssertDeadLetteredAsync(system.Catalog, "product-updated", cases);
        Assert.Equal(before, await system.Catalog.GetStringAsync("/products/HEADLAMP-400", Ct));
    }

    [Fact]
    public async Task A_wrongly_typed_order_event_lands_in_shippings_dead_letters_and_ships_nothing()
    {
        system.Require();
        var run = NewRun();
        var orderId = $"ord-dlq-{run}";
        var cases = new Dictionary<string, Malformed>
        {
            [$"typed-{run}"] = new(
                $$"""{"orderId":"{{orderId}}","customerId":"c-1","status":"Confirmed","items":[{"sku":"HEADLAMP-400","quantity":"two"}],"total":39.5,"currency":"EUR","reason":null,"occurredAt":"2026-01-01T10:00:00Z"}""",
                "schema violation at data.items[0].quantity: expected integer, got string"),
        };

        await AssertDeadLetteredAsync(system.Shipping, "orders", cases);
        using var shipment = await system.Shipping.GetAsync($"/shipments/{orderId}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, shipment.StatusCode);
    }

    private static string NewRun() => Guid.NewGuid().ToString("N");

    private async Task AssertDeadLetteredAsync(HttpClient consumer, string topic, Dictionary<string, Malformed> cases)
    {
        foreach (var (id, malformed) in cases)
        {
            await PublishAsync(topic, malformed.Body, id, malformed.ContentType);
        }

        Dictionary<string, JsonElement> letters = [];
        await WaitAsync(async () =>
        {
            var all = await consumer.GetFromJsonAsync<JsonElement>("/dead-letters", Ct);
            letters = all.EnumerateArray().Where(l => cases.ContainsKey(l.GetProperty("id").GetString()!)).ToDictionary(l => l.GetProperty("id").GetString()!);
            return letters.Count == cases.Count;
        }, $"{cases.Count} dead letter(s) of {topic}");

        foreach (var (id, malformed) in cases)
        {
            var letter = letters[id];
            Assert.StartsWith(malformed.Reason, letter.GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.Equal(topic, letter.GetProperty("topic").GetString());
            Assert.Equal(id, letter.GetProperty("event").GetProperty("id").GetString());
            var data = letter.GetProperty("event").GetProperty("data");
            if (data.ValueKind == JsonValueKind.String)
            {
                Assert.Equal(malformed.Body, data.GetString());
            }
            else
            {
                // Kept as JSON, perhaps re-serialised (the Python service does): the same value, not the same text.
                using var published = JsonDocument.Parse(malformed.Body);
                Assert.True(JsonElement.DeepEquals(published.RootElement, data), $"kept {data.GetRawText()}, published {malformed.Body}");
            }
        }
    }

    private async Task PublishAsync(string topic, string body, string eventId, string contentType = "application/json")
    {
        using var content = new StringContent(body, Encoding.UTF8, contentType);
        using var response = await system.Dapr.PostAsync($"/v1.0/publish/pubsub/{topic}?metadata.cloudevent.id={eventId}", content, Ct);
        Assert.True(response.IsSuccessStatusCode, $"publish to {topic}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    private async Task<(int Available, int Reserved)> StockAsync(string sku)
    {
        var stock = await system.Inventory.GetFromJsonAsync<JsonElement>($"/stock/{sku}", Ct);
        return (stock.GetProperty("available").GetInt32(), stock.GetProperty("reserved").GetInt32());
    }

    private async Task<string> PlaceRejectedOrderAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders")
        {
            Content = JsonContent.Create(new { customerId = "dead-letters", items = new[] { new { sku = "NOPE-1", quantity = 1 } } }),
        };
        request.Headers.Add("Idempotency-Key", NewRun());
        using var response = await system.Ordering.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"POST /orders: {(int)response.StatusCode} {body}");
        var orderId = JsonDocument.Parse(body).RootElement.GetProperty("orderId").GetString()!;
        await WaitAsync(async () =>
            (await system.Ordering.GetFromJsonAsync<JsonElement>($"/orders/{orderId}", Ct)).GetProperty("status").GetString() == "Rejected",
            $"order {orderId} (unknown SKU) to be Rejected");
        return orderId;
    }

    private static Task WaitAsync(Func<Task<bool>> condition, string what) => Poll.UntilAsync(condition, Deadline, what);
}

[Collection(SystemCollection.Name)]
public sealed class DeadLetterFlowTestsOnLocal(LocalSystemFixture system) : DeadLetterFlowTests(system);

[Collection(SystemCollection.Name)]
public sealed class DeadLetterFlowTestsOnRedis(RedisSystemFixture system) : DeadLetterFlowTests(system);
