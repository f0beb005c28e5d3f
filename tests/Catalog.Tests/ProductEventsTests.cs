using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Sidecart.Events;

namespace Sidecart.Catalog.Tests;

/// <summary><c>product-updated</c> events as the catalog consumes them: validated against the shared schema, and what
/// it cannot apply kept at <c>GET /dead-letters</c> with the reason.</summary>
public sealed class ProductEventsTests : IAsyncLifetime
{
    private CatalogSystem _system = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _system = await CatalogSystem.StartAsync();

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    private async Task PublishAsync(string topic, string body, string eventId)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _system.Client.PostAsync($"/v1.0/publish/pubsub/{topic}?metadata.cloudevent.id={eventId}", content, Ct);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private async Task<decimal> PriceAsync(string sku) =>
        (await _system.App.GetFromJsonAsync<JsonObject>($"/products/{sku}", Ct))!["price"]!.GetValue<decimal>();

    private Task<Dictionary<string, JsonObject>> WaitForDeadLettersAsync(IEnumerable<string> ids) => CatalogSystem.EventuallyAsync(
        async () => (await _system.App.GetFromJsonAsync<JsonArray>("/dead-letters", Ct))!.Select(r => r!.AsObject()).ToDictionary(r => r["id"]!.GetValue<string>()),
        records => ids.All(records.ContainsKey),
        "the dead letters in /dead-letters");

    [Fact]
    public async Task Malformed_events_are_dead_lettered_with_a_reason_naming_the_field_and_invalidate_nothing()
    {
        Assert.Equal(24.00m, await PriceAsync("BOTTLE-750"));

        // The stored product changes behind the catalog's back: only an applied event makes the cached read see it.
        using var write = await _system.CatalogSidecar.PostAsJsonAsync("/v1.0/state/statestore",
            new[] { new { key = "product-BOTTLE-750", value = new { sku = "BOTTLE-750", name = "Insulated bottle, 750 ml", price = 21.00m, currency = "EUR" } } }, Ct);
        write.EnsureSuccessStatusCode();
        var cases = new Dictionary<string, (string Body, string Reason)>
        {
            ["bad-json"] = ("""{"sku":"BOTTLE-750", """, "bad JSON"),
            ["missing"] = ("""{"sku":"BOTTLE-750","name":"Insulated bottle, 750 ml","price":21.0,"currency":"EUR"}""",
                "schema violation at data.updatedAt: required field is missing"),
            ["typed"] = ("""{"sku":"BOTTLE-750","name":"Insulated bottle, 750 ml","price":"21.00","currency":"EUR","updatedAt":"2026-01-01T09:30:00Z"}""",
                "schema violation at data.price: expected number, got string"),
            ["negative"] = ("""{"sku":"BOTTLE-750","name":"Insulated bottle, 750 ml","price":-21.0,"currency":"EUR","updatedAt":"2026-01-01T09:30:00Z"}""",
                "schema violation at data.price: -21.0 must be greater than 0"),
        };

        foreach (var (id, (body, _)) in cases)
        {
            await PublishAsync("product-updated", body, id);
        }

        var records = await WaitForDeadLettersAsync(cases.Keys);
        foreach (var (id, (_, reason)) in cases)
        {
            Assert.StartsWith(reason, records[id]["reason"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal("product-updated", records[id]["topic"]!.GetValue<string>());
            Assert.Equal(id, records[id]["event"]!["id"]!.GetValue<string>());
            Assert.Contains("BOTTLE-750", records[id]["event"]!["data"]!.ToJsonString(), StringComparison.Ordinal);
        }

        Assert.Equal(24.00m, await PriceAsync("BOTTLE-750"));

        // A valid event is still applied.
        await PublishAsync("product-updated",
            """{"sku":"BOTTLE-750","name":"Insulated bottle, 750 ml","price":21.0,"currency":"EUR","updatedAt":"2026-01-01T09:30:00Z"}""", "valid");
        await CatalogSystem.EventuallyAsync(() => PriceAsync("BOTTLE-750"), price => price == 21.00m, "the cache to be invalidated by the valid event");
        Assert.DoesNotContain("valid", (await WaitForDeadLettersAsync(cases.Keys)).Keys);
    }

    [Fact]
    public async Task The_subscription_names_its_dead_letter_topic()
    {
        var subscriptions = (await _system.App.GetFromJsonAsync<JsonArray>("/dapr/subscribe", Ct))!.Select(s => s!.AsObject()).ToList();

        var updated = subscriptions.Single(s => s["topic"]!.GetValue<string>() == "product-updated");
        Assert.Equal("pubsub", updated["pubsubname"]!.GetValue<string>());
        Assert.Equal("product-updated-dlq", updated["deadLetterTopic"]!.GetValue<string>());
        Assert.EndsWith("events/product-updated", updated["route"]!.GetValue<string>(), StringComparison.Ordinal);
        var deadLettered = subscriptions.Single(s => s["topic"]!.GetValue<string>() == "product-updated-dlq");
        Assert.EndsWith("events/product-updated-dlq", deadLettered["route"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(deadLettered["deadLetterTopic"]);
    }

    [Fact]
    public async Task What_the_sidecar_dead_lettered_on_product_updated_dlq_is_kept()
    {
        await PublishAsync("product-updated-dlq",
            """{"sku":"BOTTLE-750","name":"Insulated bottle, 750 ml","price":21.0,"currency":"EUR","updatedAt":"2026-01-01T09:30:00Z"}""", "forwarded");

        var records = await WaitForDeadLettersAsync(["forwarded"]);
        Assert.Equal(DeadLetter.SidecarDeadLettered, records["forwarded"]["reason"]!.GetValue<string>());
        Assert.Equal("product-updated", records["forwarded"]["topic"]!.GetValue<string>());
    }
}
