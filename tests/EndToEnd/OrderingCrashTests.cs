using System.Net.Http.Json;
using System.Text.Json;
using Sidecart.Testing;

namespace EndToEnd;

/// <summary>
/// Ordering killed with SIGKILL in the middle of orders, twice: once while orders sit between their reservations and
/// their payment (the provider answers slowly), once while they wait on the payment deadline (the provider answers too
/// late). After each restart the workflows resume from the sidecar's history: every accepted order ends Confirmed,
/// Shipped, Rejected or Cancelled, stock is consistent with the confirmed orders and nothing stays reserved, and only a
/// confirmed order keeps a charge. A system of its own (ordering run by the test, not the runner), in the shared
/// collection so that it never runs beside the shared system.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class OrderingCrashTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>The payment deadline of the orders of step 2, which passes while ordering is down.</summary>
    private const string ShortDeadline = "00:00:10";
    private static readonly string[] Skus = ["TRAIL-SHOE-42", "HEADLAMP-400", "BOTTLE-750"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("local")]
    [InlineData("redis")]
    public async Task Every_accepted_order_ends_consistently_after_ordering_is_killed_mid_saga(string profile)
    {
        var (options, redis) = await SystemFixture.ProfileAsync(profile, new SidecartSystemOptions
        {
            Configuration = SystemFixture.BuildConfiguration,
            TempFolder = "sidecart-e2e-crash",
            RunByCaller = new HashSet<string> { "ordering" },
            Env = new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                ["ordering"] = new Dictionary<string, string>
                {
                    ["OrderWorkflow__RetryInterval"] = "00:00:01",
                    ["OrderWorkflow__PaymentDeadline"] = ShortDeadline,
                },
                // The provider's latency goes up to 15 s here: payments waits for it rather than timing out.
                ["payments"] = new Dictionary<string, string>
                {
                    ["Payments__Provider__AttemptTimeout"] = "00:00:20",
                    ["Payments__Provider__TotalTimeout"] = "00:01:00",
                    ["Payments__Provider__CircuitBreaker__SamplingDuration"] = "00:01:00",
                },
            },
        });
        await using var server = redis;
        await using var system = await SidecartSystem.StartAsync(options, Ct);
        using var ordering = new HttpClient { BaseAddress = system.AppEndpoint("ordering") };
        using var inventory = new HttpClient { BaseAddress = system.AppEndpoint("inventory") };
        using var provider = new HttpClient { BaseAddress = system.AppEndpoint("payment-provider") };
        using var payments = new HttpClient { BaseAddress = system.DaprEndpoint("payments") };
        var before = new Dictionary<string, int>();
        foreach (var sku in Skus)
        {
            before[sku] = (await StockAsync(inventory, sku)).Available;
        }

        // An order takes its payment deadline from the app that accepts it. Those of step 1 must outlive a restart of
        // ordering however slow the machine, so they are accepted by an app with a long one.
        var app = await StartOrderingAsync(system, ordering, new Dictionary<string, string> { ["OrderWorkflow__PaymentDeadline"] = "00:10:00" });
        var orders = new Dictionary<string, (string Sku, int Quantity)>();

        // 1. Reserved, payment asked for and not yet answered: killed.
        await SetProviderLatencyAsync(provider, 1_000);
        await PlaceOrdersAsync(ordering, orders, "slow", 6);
        await WaitReservedAsync(inventory);
        await app.KillAsync();
        await app.DisposeAsync();
        app = await StartOrderingAsync(system, ordering);
        var slow = await FinalStatusesAsync(ordering, orders.Keys);
        Assert.Contains(slow.Values, s => s is "Confirmed" or "Shipped");

        // 2. Waiting on the payment deadline, which passes while ordering is down: killed. The provider stays slower
        // than the deadline until those orders are cancelled, so the repeated authorization cannot win the race.
        await SetProviderLatencyAsync(provider, 15_000);
        var late = await PlaceOrdersAsync(ordering, orders, "late", 4);
        await WaitReservedAsync(inventory);
        await app.KillAsync();
        await app.DisposeAsync();
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        await using var restarted = await StartOrderingAsync(system, ordering);
        foreach (var id in late)
        {
            await Eventually.UntilAsync(async () => (await ordering.GetFromJsonAsync<JsonElement>($"/orders/{id}", Ct)).GetProperty("status").GetString(),
                status => status == "Cancelled", $"order {id}, past its payment deadline, to be cancelled", Patience, TimeSpan.FromMilliseconds(250));
        }

        await SetProviderLatencyAsync(provider, 0);

        var final = await FinalStatusesAsync(ordering, orders.Keys);
        foreach (var sku in Skus)
        {
            var sold = orders.Where(o => o.Value.Sku == sku && final[o.Key] is "Confirmed" or "Shipped").Sum(o => o.Value.Quantity);
            await Eventually.UntilAsync(() => StockAsync(inventory, sku), stock => stock == new Stock(before[sku] - sold, 0),
                $"the stock of {sku} to be {before[sku] - sold} available and none reserved", Patience, TimeSpan.FromMilliseconds(250));
        }

        // A confirmed order was charged once; a cancelled one is refunded (or never charged).
        foreach (var (id, status) in final)
        {
            var expected = status is "Confirmed" or "Shipped" ? ["Authorized"] : new[] { "Refunded", "Declined", "none" };
            await Eventually.UntilAsync(() => PaymentStatusAsync(payments, id), actual => expected.Contains(actual),
                $"the payment of {status} order {id} to be {string.Join(" or ", expected)}", Patience, TimeSpan.FromMilliseconds(250));
        }
    }

    private static Task<Dictionary<string, string>> FinalStatusesAsync(HttpClient ordering, IEnumerable<string> orderIds) =>
        Eventually.UntilAsync(async () =>
            {
                var statuses = new Dictionary<string, string>();
                foreach (var id in orderIds)
                {
                    statuses[id] = (await ordering.GetFromJsonAsync<JsonElement>($"/orders/{id}", Ct)).GetProperty("status").GetString()!;
                }

                return statuses;
            },
            statuses => statuses.Values.All(s => s is "Confirmed" or "Shipped" or "Rejected" or "Cancelled"),
            "every accepted order to reach a final status", Patience, TimeSpan.FromMilliseconds(250));

    private static async Task<SystemAppProcess> StartOrderingAsync(SidecartSystem system, HttpClient ordering, IReadOnlyDictionary<string, string>? environment = null)
    {
        var app = system.StartApp("ordering", environment);
        await Eventually.UntilAsync(async () =>
            {
                try
                {
                    using var health = await ordering.GetAsync("/healthz", Ct);
                    return health.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            healthy => healthy, "ordering to answer /healthz", Patience, TimeSpan.FromMilliseconds(200));
        return app;
    }

    private static async Task<List<string>> PlaceOrdersAsync(HttpClient ordering, Dictionary<string, (string Sku, int Quantity)> orders, string batch, int count)
    {
        var placed = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var sku = Skus[i % Skus.Length];
            using var request = new HttpRequestMessage(HttpMethod.Post, "/orders")
            {
                Content = JsonContent.Create(new { customerId = $"crash-{batch}-{i}", items = new[] { new { sku, quantity = 1 } } }),
            };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
            using var response = await ordering.SendAsync(request, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.IsSuccessStatusCode, $"POST /orders: {(int)response.StatusCode} {body}");
            var orderId = JsonDocument.Parse(body).RootElement.GetProperty("orderId").GetString()!;
            orders[orderId] = (sku, 1);
            placed.Add(orderId);
        }

        return placed;
    }

    /// <summary>At least one order holds stock while its payment is pending: the moment to kill ordering.</summary>
    private static Task<int> WaitReservedAsync(HttpClient inventory) => Eventually.UntilAsync(
        async () => (await Task.WhenAll(Skus.Select(sku => StockAsync(inventory, sku)))).Sum(s => s.Reserved),
        reserved => reserved > 0, "an order to hold stock", Patience, TimeSpan.FromMilliseconds(50));

    private static async Task SetProviderLatencyAsync(HttpClient provider, int latencyMs)
    {
        using var response = await provider.PostAsJsonAsync("/admin/behaviour", new { latencyMs }, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private sealed record Stock(int Available, int Reserved);

    private static async Task<Stock> StockAsync(HttpClient inventory, string sku)
    {
        var stock = await inventory.GetFromJsonAsync<JsonElement>($"/stock/{sku}", Ct);
        return new Stock(stock.GetProperty("available").GetInt32(), stock.GetProperty("reserved").GetInt32());
    }

    /// <summary>Payments' record of the order, read through its sidecar as payments itself does; "none" when it has none.</summary>
    private static async Task<string> PaymentStatusAsync(HttpClient payments, string orderId)
    {
        using var response = await payments.GetAsync($"/v1.0/state/statestore/payment-{orderId}", Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        return body.Length == 0 ? "none" : JsonDocument.Parse(body).RootElement.GetProperty("status").GetString()!;
    }
}
