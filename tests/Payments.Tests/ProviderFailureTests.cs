using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Sidecart.Payments.Tests;

/// <summary>What the resilience pipeline does when the provider is slow or down: retries with the same idempotency
/// key, 503 ProblemDetails once retries are exhausted, a circuit that opens and closes again.</summary>
public sealed class ProviderFailureTests
{
    [Fact]
    public async Task A_call_slower_than_the_timeout_is_retried_with_the_same_key_and_charged_once()
    {
        await using var system = await PaymentsSystem.StartAsync(new Dictionary<string, string>
        {
            ["Payments:Provider:AttemptTimeout"] = "00:00:01",
            ["Payments:Provider:MaxRetryAttempts"] = "4",
        });
        await system.SetProviderBehaviourAsync(new { latencyMs = 10_000, slowRequests = 1 });

        using var response = await system.AuthorizeAsync("order-1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Authorized", (await response.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());

        var stats = await system.ProviderStatsAsync();
        var keys = stats["idempotencyKeys"]!.AsArray().Select(k => k!.GetValue<string>()).ToList();
        Assert.True(keys.Count >= 2, $"expected a retry, the provider saw {keys.Count} request(s)");
        Assert.Single(keys.Distinct());
        Assert.Equal(1, stats["charges"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_outage_is_503_after_retries_then_the_circuit_opens_and_closes_again_once_the_provider_is_back()
    {
        await using var system = await PaymentsSystem.StartAsync(new Dictionary<string, string>
        {
            ["Payments:Provider:MaxRetryAttempts"] = "2",
            ["Payments:Provider:CircuitBreaker:MinimumThroughput"] = "3",
            ["Payments:Provider:CircuitBreaker:BreakDuration"] = "00:00:00.500",
        });
        await system.SetProviderBehaviourAsync(new { outage = true });

        // The saga's view, through its sidecar: the problem is relayed as is.
        using (var response = await system.Client.PostAsJsonAsync("/v1.0/invoke/payments/method/payments/authorize",
            new { orderId = "order-1", customerId = "customer-1", amount = 42.50m, currency = "EUR" }))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("Payment provider unavailable", (await response.Content.ReadFromJsonAsync<JsonObject>())!["title"]!.GetValue<string>());
        }

        Assert.Equal(3, (await system.ProviderStatsAsync())["requests"]!.GetValue<int>()); // the call and its 2 retries

        // Three failures in a row open the circuit: the next call fails fast without reaching the provider.
        using (var response = await system.AuthorizeAsync("order-2"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("circuit open", (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.Equal(3, (await system.ProviderStatsAsync())["requests"]!.GetValue<int>());

        // Once the provider is back and the break is over, the pending order completes with its original key.
        await system.SetProviderBehaviourAsync(new { outage = false });
        var status = await PaymentsSystem.EventuallyAsync(async () =>
        {
            using var response = await system.AuthorizeAsync("order-1");
            return response.StatusCode;
        }, s => s == HttpStatusCode.OK, "the circuit to close");
        Assert.Equal(HttpStatusCode.OK, status);

        var stats = await system.ProviderStatsAsync();
        Assert.Equal(1, stats["charges"]!.GetValue<int>());
        Assert.Single(stats["idempotencyKeys"]!.AsArray().Select(k => k!.GetValue<string>()).Distinct());
        Assert.Contains(system.Logs.Entries, e => e.Message.Contains("circuit opened", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Provider_status_shows_the_circuit_open_during_an_outage_and_closed_again_after_it()
    {
        await using var system = await PaymentsSystem.StartAsync(new Dictionary<string, string>
        {
            ["Payments:Provider:MaxRetryAttempts"] = "2",
            ["Payments:Provider:CircuitBreaker:MinimumThroughput"] = "3",
            ["Payments:Provider:CircuitBreaker:BreakDuration"] = "00:00:00.500",
        });
        var closed = await ProviderStatusAsync(system);
        Assert.Equal(("Closed", 0), (closed["circuit"]!.GetValue<string>(), closed["timesOpened"]!.GetValue<int>()));
        Assert.Null(closed["lastOpenedAt"]);

        await system.SetProviderBehaviourAsync(new { outage = true });
        var before = DateTimeOffset.UtcNow;
        using (var failed = await system.AuthorizeAsync("order-1"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }

        var open = await ProviderStatusAsync(system);
        Assert.Equal(("Open", 1), (open["circuit"]!.GetValue<string>(), open["timesOpened"]!.GetValue<int>()));
        Assert.True(open["lastOpenedAt"]!.GetValue<DateTimeOffset>() >= before.AddSeconds(-1));

        await system.SetProviderBehaviourAsync(new { outage = false });
        await PaymentsSystem.EventuallyAsync(async () =>
        {
            using var response = await system.AuthorizeAsync("order-1");
            return response.StatusCode;
        }, s => s == HttpStatusCode.OK, "the circuit to close");

        var recovered = await ProviderStatusAsync(system);
        Assert.Equal(("Closed", 1), (recovered["circuit"]!.GetValue<string>(), recovered["timesOpened"]!.GetValue<int>()));
    }

    [Fact]
    public async Task A_refund_of_an_order_whose_authorize_got_no_answer_settles_it_and_gives_the_money_back()
    {
        await using var system = await PaymentsSystem.StartAsync();
        await system.SetProviderBehaviourAsync(new { outage = true });
        using (var failed = await system.AuthorizeAsync("order-1"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }

        // The saga compensates; the refund fails too while the provider is down, and is safe to repeat.
        using (var failed = await system.RefundAsync("order-1"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }

        await system.SetProviderBehaviourAsync(new { outage = false });
        using var refund = await system.RefundAsync("order-1");
        Assert.Equal(HttpStatusCode.OK, refund.StatusCode);
        Assert.Equal("Refunded", (await refund.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());

        var stats = await system.ProviderStatsAsync();
        Assert.Equal(1, stats["charges"]!.GetValue<int>());
        Assert.Equal(1, stats["refunds"]!.GetValue<int>());
    }

    /// <summary>As an operator or another app reads it: through the sidecar.</summary>
    private static async Task<JsonObject> ProviderStatusAsync(PaymentsSystem system) =>
        (await system.Client.GetFromJsonAsync<JsonObject>("/v1.0/invoke/payments/method/payments/provider-status"))!;
}
