using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace EndToEnd;

/// <summary>Scenarios across every app of <c>dapr.yaml</c>, against the running system all classes share.</summary>
public abstract class OrderFlowTests(SystemFixture system)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_order_is_confirmed_then_shipped_and_stock_goes_down()
    {
        system.Require();
        var before = await StockAsync("TRAIL-SHOE-42");
        var orderId = await PlaceOrderAsync("alice", "TRAIL-SHOE-42", 2);

        await WaitStatusAsync(orderId, "Confirmed", "Shipped");
        var order = await WaitStatusAsync(orderId, "Shipped");
        Assert.Equal("alice", order.GetProperty("customerId").GetString());

        using var shipment = await system.Shipping.GetAsync($"/shipments/{orderId}", Ct);
        Assert.Equal(HttpStatusCode.OK, shipment.StatusCode);
        Assert.Contains(orderId, await shipment.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        var after = await StockAsync("TRAIL-SHOE-42");
        Assert.Equal(before.Available - 2, after.Available);
        Assert.Equal(0, after.Reserved);
    }

    [Fact]
    public async Task An_out_of_stock_order_is_rejected_and_stock_is_unchanged()
    {
        system.Require();
        var before = await StockAsync("TRAIL-SHOE-44");
        var orderId = await PlaceOrderAsync("bob", "TRAIL-SHOE-44", before.Available + 1);

        var order = await WaitStatusAsync(orderId, "Rejected");
        Assert.False(string.IsNullOrWhiteSpace(order.GetProperty("reason").GetString()));
        Assert.Equal(before, await StockAsync("TRAIL-SHOE-44"));
    }

    [Fact]
    public async Task A_declined_payment_cancels_the_order_and_releases_stock()
    {
        system.Require();
        var before = await StockAsync("RAIN-JACKET-M");
        var orderId = await PlaceOrderAsync("declined-customer", "RAIN-JACKET-M", 3);

        var order = await WaitStatusAsync(orderId, "Cancelled");
        Assert.False(string.IsNullOrWhiteSpace(order.GetProperty("reason").GetString()));
        await WaitStockAsync("RAIN-JACKET-M", before.Available, 0);
    }

    [Fact]
    public async Task A_repeated_idempotency_key_places_one_order()
    {
        system.Require();
        var key = Guid.NewGuid().ToString("N");
        var first = await PlaceOrderAsync("carol", "HEADLAMP-400", 1, key);
        var second = await PlaceOrderAsync("carol", "HEADLAMP-400", 1, key);
        Assert.Equal(first, second);

        using var reused = await PostOrderAsync("carol", "HEADLAMP-400", 3, key);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Equal("application/problem+json", reused.Content.Headers.ContentType?.MediaType);
        await WaitStatusAsync(first, "Confirmed", "Shipped");
    }

    [Fact]
    public async Task A_flash_sale_sells_exactly_the_stock()
    {
        system.Require();
        var sku = "FLASH-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        using (var put = await system.Catalog.PutAsJsonAsync($"/products/{sku}", new { name = "Flash sale torch", price = 9.90m, currency = "EUR" }, Ct))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync(Ct));
        }

        await PublishStockReceivedAsync(new { sku, quantity = 10, receiptId = "flash-" + sku });
        await WaitStockAsync(sku, 10, 0);

        var orderIds = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => PlaceOrderAsync($"flash-{i}", sku, 1)));
        Assert.Equal(200, orderIds.Distinct().Count());

        var final = new Dictionary<string, string>();
        await Poll.UntilAsync(async () =>
        {
            foreach (var id in orderIds.Where(id => !final.ContainsKey(id)))
            {
                var status = (await GetOrderAsync(id)).GetProperty("status").GetString()!;
                if (status is "Shipped" or "Rejected" or "Cancelled")
                {
                    final[id] = status;
                }
                else if (status is "Confirmed")
                {
                    final[id] = status; // Confirmed counts as sold; shipping may follow
                }
            }

            return final.Count == orderIds.Length;
        }, TimeSpan.FromSeconds(60), "every flash-sale order to settle");

        Assert.Equal(10, final.Values.Count(s => s is "Confirmed" or "Shipped"));
        Assert.Equal(190, final.Values.Count(s => s is "Rejected"));
        await WaitStockAsync(sku, 0, 0);
    }

    [Fact]
    public async Task A_stock_receipt_published_twice_is_applied_once()
    {
        system.Require();
        var before = await StockAsync("BOTTLE-750");
        var receiptId = "receipt-" + Guid.NewGuid().ToString("N");
        var receipt = JsonSerializer.Serialize(new { sku = "BOTTLE-750", quantity = 5, receiptId });

        // Once as a warehouse system's script would, with the publish command in its own process, and once more
        // straight to a sidecar's HTTP API: two distinct CloudEvents carrying the same receipt.
        await PublishWithCommandAsync("stock-received", receipt);
        await PublishRawAsync(receipt, "application/json");

        await WaitStockAsync("BOTTLE-750", before.Available + 5, before.Reserved);
        await Task.Delay(1500, Ct); // give a duplicate application time to show
        Assert.Equal(before.Available + 5, (await StockAsync("BOTTLE-750")).Available);
    }

    [Fact]
    public async Task A_provider_outage_cancels_the_order_and_releases_stock()
    {
        system.Require();
        var before = await StockAsync("VEST-5L");
        await SetOutageAsync(true);
        try
        {
            var orderId = await PlaceOrderAsync("dave", "VEST-5L", 2);

            // While the provider is still down: the payment attempts ran out, the order is Cancelled, its stock is
            // back, and payments stopped calling the provider (circuit open). The refund is still owed.
            var order = await WaitStatusAsync(orderId, "Cancelled");
            Assert.Contains("unavailable", order.GetProperty("reason").GetString(), StringComparison.Ordinal);
            await WaitStockAsync("VEST-5L", before.Available, 0);
            var tripped = await WaitProviderCircuitAsync("Open");
            Assert.True(tripped.GetProperty("timesOpened").GetInt32() >= 1);
            Assert.Equal("Pending", (await PaymentRecordAsync(orderId)).GetProperty("status").GetString());

            await SetOutageAsync(false);

            // The saga's refund retries get through once the break is over: the charge the provider may have made
            // is settled and given back, and the circuit is closed again.
            await Poll.UntilAsync(async () => (await PaymentRecordAsync(orderId)).GetProperty("status").GetString() == "Refunded",
                Deadline, $"the payment of order {orderId} to be refunded");
            Assert.Equal("Closed", (await ProviderStatusAsync()).GetProperty("circuit").GetString());
            Assert.Equal("Cancelled", (await GetOrderAsync(orderId)).GetProperty("status").GetString());
            Assert.Equal(new Stock(before.Available, 0), await StockAsync("VEST-5L"));
        }
        finally
        {
            await SetOutageAsync(false);
        }
    }

    private async Task<JsonElement> ProviderStatusAsync() =>
        await system.Payments.GetFromJsonAsync<JsonElement>("/payments/provider-status", Ct);

    private async Task<JsonElement> WaitProviderCircuitAsync(string circuit)
    {
        JsonElement status = default;
        await Poll.UntilAsync(async () =>
        {
            status = await ProviderStatusAsync();
            return status.GetProperty("circuit").GetString() == circuit;
        }, Deadline, $"the payment provider circuit to be {circuit}");
        return status;
    }

    /// <summary>Payments' record of the order, read through its sidecar as payments itself does.</summary>
    private async Task<JsonElement> PaymentRecordAsync(string orderId) =>
        await system.PaymentsDapr.GetFromJsonAsync<JsonElement>($"/v1.0/state/statestore/payment-{orderId}", Ct);

    private async Task SetOutageAsync(bool outage)
    {
        using var response = await system.Provider.PostAsJsonAsync("/admin/behaviour", new { outage }, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private async Task<HttpResponseMessage> PostOrderAsync(string customerId, string sku, int quantity, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders")
        {
            Content = JsonContent.Create(new { customerId, items = new[] { new { sku, quantity } } }),
        };
        request.Headers.Add("Idempotency-Key", key);
        return await system.Ordering.SendAsync(request, Ct);
    }

    private async Task<string> PlaceOrderAsync(string customerId, string sku, int quantity, string? key = null)
    {
        using var response = await PostOrderAsync(customerId, sku, quantity, key ?? Guid.NewGuid().ToString("N"));
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"POST /orders: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("orderId").GetString()!;
    }

    private async Task<JsonElement> GetOrderAsync(string orderId) =>
        await system.Ordering.GetFromJsonAsync<JsonElement>($"/orders/{orderId}", Ct);

    private async Task<JsonElement> WaitStatusAsync(string orderId, params string[] statuses)
    {
        JsonElement order = default;
        string? last = null;
        try
        {
            await Poll.UntilAsync(async () =>
            {
                order = await GetOrderAsync(orderId);
                last = order.GetProperty("status").GetString();
                return statuses.Contains(last);
            }, Deadline, $"order {orderId} to be {string.Join(" or ", statuses)}");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; last status {last}: {order}", e);
        }

        return order;
    }

    private sealed record Stock(int Available, int Reserved);

    private async Task<Stock> StockAsync(string sku)
    {
        var stock = await system.Inventory.GetFromJsonAsync<JsonElement>($"/stock/{sku}", Ct);
        return new Stock(stock.GetProperty("available").GetInt32(), stock.GetProperty("reserved").GetInt32());
    }

    private async Task WaitStockAsync(string sku, int available, int reserved)
    {
        Stock? last = null;
        try
        {
            await Poll.UntilAsync(async () =>
            {
                last = await StockAsync(sku);
                return last == new Stock(available, reserved);
            }, Deadline, $"stock of {sku} to be available {available}, reserved {reserved}");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; last {last}", e);
        }
    }

    /// <summary>Runs <c>LocalSidecar publish</c> (the built CLI) as a separate process against this run's sidecars.</summary>
    private async Task PublishWithCommandAsync(string topic, string data)
    {
        var cli = Path.Combine(SystemFixture.RepositoryRoot, "sidecar", "LocalSidecar", "bin", SystemFixture.BuildConfiguration, "net10.0", "LocalSidecar.dll");
        Assert.True(File.Exists(cli), $"{cli} is missing: build the solution first (make build)");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { cli, "publish", "--publish-app-id", "inventory", "--pubsub", "pubsub", "--topic", topic, "--data", data })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["SIDECART_NAME_RESOLUTION_DIR"] = system.NameResolutionDirectory;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var errors = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        Assert.True(process.ExitCode == 0, $"LocalSidecar publish exited {process.ExitCode}: {await output}{await errors}");
    }

    private Task PublishStockReceivedAsync(object data) => PublishRawAsync(JsonSerializer.Serialize(data), "application/json");

    private async Task PublishRawAsync(string body, string contentType)
    {
        using var content = new StringContent(body, Encoding.UTF8, contentType);
        using var response = await system.Dapr.PostAsync("/v1.0/publish/pubsub/stock-received", content, Ct);
        Assert.True(response.IsSuccessStatusCode, $"publish: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }
}

[Collection(SystemCollection.Name)]
public sealed class OrderFlowTestsOnLocal(LocalSystemFixture system) : OrderFlowTests(system);

[Collection(SystemCollection.Name)]
public sealed class OrderFlowTestsOnRedis(RedisSystemFixture system) : OrderFlowTests(system);
