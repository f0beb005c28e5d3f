using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Sidecart.Events;
using Sidecart.Ordering.Tests.Support;

namespace Sidecart.Ordering.Tests;

/// <summary><c>shipment-dispatched</c> events on topic <c>shipments</c>: validated against the shared schema, and what
/// ordering cannot apply kept at <c>GET /dead-letters</c> with the reason.</summary>
public sealed class ShipmentEventsTests(OrderingSystem system) : IClassFixture<OrderingSystem>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Shipment(string orderId, string dispatchedAt = "2026-01-01T10:00:02Z") =>
        $$"""{"orderId":"{{orderId}}","shipmentId":"shp-{{orderId}}","carrier":"Sidecart Express","trackingNumber":"SCX1","dispatchedAt":"{{dispatchedAt}}"}""";

    private async Task PublishAsync(string topic, string body, string eventId)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await system.Shipping.PostAsync($"/v1.0/publish/pubsub/{topic}?metadata.cloudevent.id={eventId}", content, Ct);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private async Task<string> PlaceConfirmedOrderAsync(string customerId, string sku)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders")
        {
            Content = JsonContent.Create(new { customerId, items = new[] { new { sku, quantity = 1 } } }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await system.App.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["orderId"]!.GetValue<string>();
    }

    private Task<string> WaitForStatusAsync(string orderId, string status) => OrderingSystem.EventuallyAsync(
        async () => (await system.App.GetFromJsonAsync<JsonObject>($"/orders/{orderId}", Ct))!["status"]!.GetValue<string>(),
        actual => actual == status,
        $"order {orderId} to be {status}");

    private Task<Dictionary<string, JsonObject>> WaitForDeadLettersAsync(IEnumerable<string> ids) => OrderingSystem.EventuallyAsync(
        async () => (await system.App.GetFromJsonAsync<JsonArray>("/dead-letters", Ct))!.Select(r => r!.AsObject()).ToDictionary(r => r["id"]!.GetValue<string>()),
        records => ids.All(records.ContainsKey),
        "the dead letters in /dead-letters");

    [Fact]
    public async Task Malformed_shipments_are_dead_lettered_with_a_reason_naming_the_field_and_ship_nothing()
    {
        var orderId = await PlaceConfirmedOrderAsync("cust-malformed-shipment", "BOTTLE-750");
        await WaitForStatusAsync(orderId, "Confirmed");
        var run = Guid.NewGuid().ToString("N");
        var cases = new Dictionary<string, (string Body, string Reason)>
        {
            [$"bad-json-{run}"] = ($$"""{"orderId":"{{orderId}}", """, "bad JSON"),
            [$"missing-{run}"] = ($$"""{"orderId":"{{orderId}}","shipmentId":"shp-1","carrier":"Sidecart Express","dispatchedAt":"2026-01-01T10:00:02Z"}""",
                "schema violation at data.trackingNumber: required field is missing"),
            [$"typed-{run}"] = ($$"""{"orderId":"{{orderId}}","shipmentId":"shp-1","carrier":7,"trackingNumber":"SCX1","dispatchedAt":"2026-01-01T10:00:02Z"}""",
                "schema violation at data.carrier: expected string, got integer"),
            [$"invalid-{run}"] = (Shipment(orderId, dispatchedAt: "yesterday"),
                "schema violation at data.dispatchedAt: \"yesterday\" is not an RFC 3339 date-time"),
        };

        foreach (var (id, (body, _)) in cases)
        {
            await PublishAsync("shipments", body, id);
        }

        var records = await WaitForDeadLettersAsync(cases.Keys);
        foreach (var (id, (body, reason)) in cases)
        {
            Assert.StartsWith(reason, records[id]["reason"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal("shipments", records[id]["topic"]!.GetValue<string>());
            Assert.Equal(id, records[id]["event"]!["id"]!.GetValue<string>());
            Assert.Contains(orderId, records[id]["event"]!["data"]!.ToJsonString(), StringComparison.Ordinal);
        }

        Assert.Equal("Confirmed", (await system.App.GetFromJsonAsync<JsonObject>($"/orders/{orderId}", Ct))!["status"]!.GetValue<string>());

        // A valid event for the same order is still applied.
        await PublishAsync("shipments", Shipment(orderId), $"shipment-{orderId}");
        await WaitForStatusAsync(orderId, "Shipped");
    }

    [Fact]
    public async Task Shipments_of_unknown_or_rejected_orders_are_dead_lettered_with_the_business_reason()
    {
        var rejected = await PlaceConfirmedOrderAsync("cust-rejected-shipment", "NOPE-1");
        await WaitForStatusAsync(rejected, "Rejected");
        var unknown = $"ord-unknown-{Guid.NewGuid():N}";

        await PublishAsync("shipments", Shipment(unknown), $"shipment-{unknown}");
        await PublishAsync("shipments", Shipment(rejected), $"shipment-{rejected}");

        var records = await WaitForDeadLettersAsync([$"shipment-{unknown}", $"shipment-{rejected}"]);
        Assert.Equal($"unknown order: no order has id '{unknown}'", records[$"shipment-{unknown}"]["reason"]!.GetValue<string>());
        Assert.Equal($"not shippable: order '{rejected}' was rejected or cancelled", records[$"shipment-{rejected}"]["reason"]!.GetValue<string>());
        Assert.Equal("Rejected", (await system.App.GetFromJsonAsync<JsonObject>($"/orders/{rejected}", Ct))!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task What_the_sidecar_dead_lettered_on_shipments_dlq_is_kept()
    {
        var id = $"forwarded-{Guid.NewGuid():N}";

        await PublishAsync("shipments-dlq", Shipment("ord-forwarded"), id);

        var records = await WaitForDeadLettersAsync([id]);
        Assert.Equal(DeadLetter.SidecarDeadLettered, records[id]["reason"]!.GetValue<string>());
        Assert.Equal("ord-forwarded", records[id]["event"]!["data"]!["orderId"]!.GetValue<string>());
    }
}
