using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Sidecart.Ordering.Tests.Support;

namespace Sidecart.Ordering.Tests;

/// <summary>Ordering's HTTP API and saga end to end: a real local sidecar per app, stub downstream apps.</summary>
public sealed class OrdersApiTests(OrderingSystem system) : IClassFixture<OrderingSystem>
{
    private static string NewKey() => Guid.NewGuid().ToString("N");

    private async Task<HttpResponseMessage> PlaceAsync(string? key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return await system.App.SendAsync(request);
    }

    private async Task<string> PlaceOrderAsync(string customerId, params (string Sku, int Quantity)[] items)
    {
        using var response = await PlaceAsync(NewKey(), new { customerId, items = items.Select(i => new { sku = i.Sku, quantity = i.Quantity }) });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var orderId = accepted["orderId"]!.GetValue<string>();
        Assert.Equal("Pending", accepted["status"]!.GetValue<string>());
        Assert.Equal($"/orders/{orderId}", response.Headers.Location?.OriginalString);
        return orderId;
    }

    private Task<JsonObject> WaitForStatusAsync(string orderId, string status) => OrderingSystem.EventuallyAsync(
        async () => (await system.App.GetFromJsonAsync<JsonObject>($"/orders/{orderId}"))!,
        order => order["status"]!.GetValue<string>() == status,
        $"order {orderId} to be {status}");

    private Task<JsonObject> WaitForWorkflowAsync(string orderId) => OrderingSystem.EventuallyAsync(
        async () => (await system.OrderingSidecar.GetFromJsonAsync<JsonObject>($"/v1.0/workflows/dapr/{orderId}"))!,
        w => w["runtimeStatus"]?.GetValue<string>() == "COMPLETED",
        $"the workflow of order {orderId} to complete");

    private Task<(string Id, JsonObject Data)> WaitForEventAsync(string orderId, string status) => OrderingSystem.EventuallyAsync(
        () => Task.FromResult(system.OrderEvents.FirstOrDefault(e => e.Data["orderId"]?.GetValue<string>() == orderId && e.Data["status"]?.GetValue<string>() == status)),
        e => e.Data is not null,
        $"the {status} event of order {orderId}");

    [Fact]
    public async Task An_order_is_confirmed_and_each_status_change_is_published()
    {
        var orderId = await PlaceOrderAsync("cust-happy", ("HEADLAMP-400", 2), ("BOTTLE-750", 1));

        var order = await WaitForStatusAsync(orderId, "Confirmed");

        Assert.Equal(["orderId", "customerId", "status", "items", "total", "currency", "reason"], order.Select(p => p.Key));
        Assert.Equal(103.95m, order["total"]!.GetValue<decimal>());
        Assert.Equal("EUR", order["currency"]!.GetValue<string>());
        Assert.True(system.Stock.Saw($"Confirm HEADLAMP-400 {orderId}"));
        Assert.Contains($"authorize {orderId} cust-happy 103.95 EUR", system.Payments.Calls);

        var pending = await WaitForEventAsync(orderId, "Pending");
        var confirmed = await WaitForEventAsync(orderId, "Confirmed");
        Assert.Equal($"{orderId}-Pending", pending.Id);
        Assert.Equal($"{orderId}-Confirmed", confirmed.Id);
        Assert.Equal(
            ["orderId", "customerId", "status", "items", "total", "currency", "reason", "occurredAt"],
            confirmed.Data.Select(p => p.Key));
        Assert.Equal("HEADLAMP-400", confirmed.Data["items"]![0]!["sku"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_same_idempotency_key_returns_the_same_order_and_places_only_one()
    {
        var key = NewKey();
        var body = new { customerId = "cust-twice", items = new[] { new { sku = "TENT-2P", quantity = 1 } } };

        var responses = await Task.WhenAll(PlaceAsync(key, body), PlaceAsync(key, body));
        using var later = await PlaceAsync(key, body);

        var ids = new List<string>();
        foreach (var response in responses.Append(later))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            ids.Add((await response.Content.ReadFromJsonAsync<JsonObject>())!["orderId"]!.GetValue<string>());
            response.Dispose();
        }

        Assert.Single(ids.Distinct());
        await WaitForStatusAsync(ids[0], "Confirmed");
        Assert.Single(system.Payments.Calls, c => c.Contains("cust-twice", StringComparison.Ordinal));
        Assert.Single(system.Stock.Calls, c => c.StartsWith("Reserve TENT-2P", StringComparison.Ordinal) && c.Contains(ids[0], StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_same_idempotency_key_with_the_same_items_in_another_order_is_the_same_request()
    {
        var key = NewKey();
        using var first = await PlaceAsync(key, new { customerId = "cust-reorder", items = new[] { new { sku = "HEADLAMP-400", quantity = 1 }, new { sku = "BOTTLE-750", quantity = 2 } } });
        using var again = await PlaceAsync(key, new { customerId = " cust-reorder ", items = new[] { new { sku = "BOTTLE-750", quantity = 2 }, new { sku = "HEADLAMP-400", quantity = 1 } } });

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.StatusCode, again.StatusCode));
        Assert.Equal(
            (await first.Content.ReadFromJsonAsync<JsonObject>())!["orderId"]!.GetValue<string>(),
            (await again.Content.ReadFromJsonAsync<JsonObject>())!["orderId"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_idempotency_key_reused_for_a_different_request_is_a_422_problem_and_places_nothing()
    {
        var key = NewKey();
        using var first = await PlaceAsync(key, new { customerId = "cust-reuse", items = new[] { new { sku = "HEADLAMP-400", quantity = 1 } } });
        var orderId = (await first.Content.ReadFromJsonAsync<JsonObject>())!["orderId"]!.GetValue<string>();

        foreach (var other in new object[]
        {
            new { customerId = "cust-reuse", items = new[] { new { sku = "HEADLAMP-400", quantity = 2 } } },
            new { customerId = "cust-reuse", items = new[] { new { sku = "SCARCE-1", quantity = 1 } } },
            new { customerId = "cust-someone-else", items = new[] { new { sku = "HEADLAMP-400", quantity = 1 } } },
        })
        {
            using var response = await PlaceAsync(key, other);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Equal(422, problem["status"]!.GetValue<int>());
            Assert.Contains("Idempotency-Key", problem["title"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.DoesNotContain(orderId, problem.ToJsonString(), StringComparison.Ordinal);
        }

        await WaitForStatusAsync(orderId, "Confirmed");
        Assert.Single(system.Stock.Calls, c => c.StartsWith("Reserve", StringComparison.Ordinal) && c.Contains(orderId, StringComparison.Ordinal));
        Assert.Single(system.Payments.Calls, c => c.Contains("cust-reuse", StringComparison.Ordinal));
        Assert.DoesNotContain(system.Payments.Calls, c => c.Contains("cust-someone-else", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_idempotency_key_is_stored_with_its_order_request_fingerprint_and_a_time_to_live()
    {
        var key = NewKey();
        var before = DateTimeOffset.UtcNow;
        using var placed = await PlaceAsync(key, new { customerId = "cust-ttl", items = new[] { new { sku = "BOTTLE-750", quantity = 1 } } });
        var after = DateTimeOffset.UtcNow;
        var orderId = (await placed.Content.ReadFromJsonAsync<JsonObject>())!["orderId"]!.GetValue<string>();

        using var stored = await system.OrderingSidecar.GetAsync($"/v1.0/state/statestore/idempotency-{key}");

        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        var record = (await stored.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(orderId, record["orderId"]!.GetValue<string>());
        Assert.StartsWith("sha256:", record["requestFingerprint"]!.GetValue<string>(), StringComparison.Ordinal);
        var expires = DateTimeOffset.Parse(stored.Headers.GetValues("metadata.ttlExpireTime").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires, before.Add(OrderingSystem.IdempotencyKeyTimeToLive).AddSeconds(-1), after.Add(OrderingSystem.IdempotencyKeyTimeToLive).AddSeconds(1));
    }

    [Fact]
    public async Task An_unknown_sku_rejects_the_order_with_a_reason()
    {
        var orderId = await PlaceOrderAsync("cust-unknown", ("HEADLAMP-400", 1), ("NOPE-1", 1));

        var order = await WaitForStatusAsync(orderId, "Rejected");

        Assert.Contains("NOPE-1", order["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(system.Stock.Calls, c => c.StartsWith("Reserve", StringComparison.Ordinal) && c.Contains(orderId, StringComparison.Ordinal));
        Assert.Equal($"{orderId}-Rejected", (await WaitForEventAsync(orderId, "Rejected")).Id);
    }

    [Fact]
    public async Task Out_of_stock_rejects_the_order_and_releases_what_was_reserved()
    {
        system.Stock.Initial["SCARCE-1"] = 1;
        var orderId = await PlaceOrderAsync("cust-scarce", ("HEADLAMP-400", 1), ("SCARCE-1", 5));

        var order = await WaitForStatusAsync(orderId, "Rejected");

        Assert.Contains("SCARCE-1", order["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(system.Stock.Saw($"Release HEADLAMP-400 {orderId}"));
        Assert.DoesNotContain(system.Payments.Calls, c => c.Contains(orderId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_declined_payment_cancels_the_order_and_releases_the_reservations()
    {
        system.Payments.DecliningCustomers["cust-broke"] = true;
        var orderId = await PlaceOrderAsync("cust-broke", ("HEADLAMP-400", 1), ("BOTTLE-750", 2));

        var order = await WaitForStatusAsync(orderId, "Cancelled");

        Assert.Contains("declined", order["reason"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.True(system.Stock.Saw($"Release HEADLAMP-400 {orderId}"));
        Assert.True(system.Stock.Saw($"Release BOTTLE-750 {orderId}"));
        Assert.False(system.Stock.Saw($"Confirm HEADLAMP-400 {orderId}"));
        await WaitForEventAsync(orderId, "Cancelled");
    }

    [Fact]
    public async Task A_payment_not_authorized_by_the_deadline_cancels_the_order_releases_the_stock_and_refunds()
    {
        system.Payments.SlowCustomers["cust-slow"] = true;
        var orderId = await PlaceOrderAsync("cust-slow", ("HEADLAMP-400", 1));

        var order = await WaitForStatusAsync(orderId, "Cancelled");

        Assert.Contains("not authorized within", order["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(system.Stock.Saw($"Release HEADLAMP-400 {orderId}"));
        Assert.False(system.Stock.Saw($"Confirm HEADLAMP-400 {orderId}"));
        // The late authorization may still have charged the customer: it is given back.
        await OrderingSystem.EventuallyAsync(
            () => Task.FromResult(system.Payments.Calls.Contains($"refund {orderId}")), refunded => refunded, "the refund after the deadline");
        await WaitForEventAsync(orderId, "Cancelled");
    }

    [Fact]
    public async Task Each_order_is_a_workflow_instance_visible_through_the_sidecars_workflow_api()
    {
        var orderId = await PlaceOrderAsync("cust-visible", ("BOTTLE-750", 1));
        await WaitForStatusAsync(orderId, "Confirmed");

        var workflow = await WaitForWorkflowAsync(orderId);

        Assert.Equal(orderId, workflow["instanceID"]!.GetValue<string>());
        Assert.Equal("OrderWorkflow", workflow["workflowName"]!.GetValue<string>());
        Assert.Equal("\"Confirmed\"", workflow["properties"]!["dapr.workflow.output"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_declined_payment_is_never_refunded_and_an_acknowledged_refund_is_never_asked_again()
    {
        system.Payments.DecliningCustomers["cust-declined-once"] = true;
        var declined = await PlaceOrderAsync("cust-declined-once", ("HEADLAMP-400", 1));
        system.Payments.UnavailableCustomers["cust-refunded-once"] = true;
        var refunded = await PlaceOrderAsync("cust-refunded-once", ("HEADLAMP-400", 1));

        await WaitForStatusAsync(declined, "Cancelled");
        await OrderingSystem.EventuallyAsync(
            () => Task.FromResult(system.Payments.Calls.Count(c => c == $"refund {refunded}")), n => n == 1, "the refund of the unavailable payment");
        await WaitForWorkflowAsync(declined);
        await WaitForWorkflowAsync(refunded);

        Assert.DoesNotContain(system.Payments.Calls, c => c.StartsWith($"refund {declined}", StringComparison.Ordinal));
        Assert.Single(system.Payments.Calls, c => c == $"refund {refunded}");
    }

    [Fact]
    public async Task A_payment_provider_outage_cancels_the_order_after_the_retries_instead_of_leaving_it_stuck()
    {
        system.Payments.UnavailableCustomers["cust-outage"] = true;
        var orderId = await PlaceOrderAsync("cust-outage", ("TENT-2P", 1));

        var order = await WaitForStatusAsync(orderId, "Cancelled");

        Assert.Contains("unavailable", order["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, system.Payments.Calls.Count(c => c.StartsWith($"authorize {orderId}", StringComparison.Ordinal)));
        Assert.True(system.Stock.Saw($"Release TENT-2P {orderId}"));

        // The order is cancelled (and published) first; the refund is the saga's next step.
        await OrderingSystem.EventuallyAsync(
            () => Task.FromResult(system.Payments.Calls.Contains($"refund {orderId}")), refunded => refunded, "the refund after the cancellation");
    }

    [Fact]
    public async Task An_outage_that_also_fails_the_refund_cancels_the_order_at_once_and_refunds_once_payments_is_back()
    {
        system.Payments.UnavailableCustomers["cust-long-outage"] = true;
        system.Payments.UnavailableRefundCustomers["cust-long-outage"] = true;
        var orderId = await PlaceOrderAsync("cust-long-outage", ("TENT-2P", 1));

        var order = await WaitForStatusAsync(orderId, "Cancelled");
        Assert.Contains("unavailable", order["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(system.Stock.Saw($"Release TENT-2P {orderId}"));
        await WaitForEventAsync(orderId, "Cancelled");
        await OrderingSystem.EventuallyAsync(
            () => Task.FromResult(system.Payments.Calls.Count(c => c == $"refund {orderId} unavailable")), n => n >= 2, "the refund to be retried");
        Assert.DoesNotContain($"refund {orderId}", system.Payments.Calls);

        system.Payments.UnavailableRefundCustomers.TryRemove("cust-long-outage", out _);

        await OrderingSystem.EventuallyAsync(
            () => Task.FromResult(system.Payments.Calls.Contains($"refund {orderId}")), refunded => refunded, "the refund to be acknowledged");
        Assert.Equal("Cancelled", (await system.App.GetFromJsonAsync<JsonObject>($"/orders/{orderId}"))!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_shipment_dispatched_event_moves_a_confirmed_order_to_shipped()
    {
        var orderId = await PlaceOrderAsync("cust-ship", ("BOTTLE-750", 1));
        await WaitForStatusAsync(orderId, "Confirmed");

        for (var delivery = 0; delivery < 2; delivery++)
        {
            using var published = await system.Shipping.PostAsync(
                $"/v1.0/publish/pubsub/shipments?metadata.cloudevent.id=shipment-{orderId}",
                new StringContent(
                    $$"""{"orderId":"{{orderId}}","shipmentId":"shp-1","carrier":"Sidecart Express","trackingNumber":"SCX1","dispatchedAt":"2026-01-01T10:00:02Z"}""",
                    Encoding.UTF8,
                    "application/json"));
            Assert.True(published.IsSuccessStatusCode);
        }

        var shipped = await WaitForStatusAsync(orderId, "Shipped");
        Assert.Null(shipped["reason"]);
        var shippedEvent = await WaitForEventAsync(orderId, "Shipped");
        Assert.Equal($"{orderId}-Shipped", shippedEvent.Id);
        Assert.Null(shippedEvent.Data["reason"]);
    }

    [Fact]
    public async Task Validation_errors_are_400_problems_naming_each_field()
    {
        using var response = await PlaceAsync(null, new { customerId = "", items = new object[] { new { sku = "", quantity = 0 } } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Equal(["Idempotency-Key", "customerId", "items[0].quantity", "items[0].sku"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_accepted_order_is_readable_at_once_and_never_404_until_it_is_final()
    {
        var placed = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => PlaceOrderAsync($"cust-readable-{i}", ("BOTTLE-750", 1))));

        foreach (var orderId in placed)
        {
            // Its document is stored before the order is accepted, not once the workflow has priced it.
            using var document = await system.OrderingSidecar.GetAsync($"/v1.0/state/statestore/order-{orderId}");
            Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        }

        await Task.WhenAll(placed.Select(async orderId =>
        {
            var statuses = new List<string>();
            await OrderingSystem.EventuallyAsync(async () =>
            {
                using var response = await system.App.GetAsync($"/orders/{orderId}");
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /orders/{orderId} answered {(int)response.StatusCode} after {string.Join(", ", statuses)}");
                var status = (await response.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>();
                statuses.Add(status);
                return status;
            }, status => status == "Confirmed", $"order {orderId} to be Confirmed");
            Assert.Equal("Pending", statuses[0]);
        }));
    }

    [Fact]
    public async Task An_unknown_order_is_404()
    {
        using var response = await system.App.GetAsync("/orders/ord-nope");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
