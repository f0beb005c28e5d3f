using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Sidecart.Payments.Tests;

/// <summary>Authorize and refund through a real local sidecar and the stand-in provider: outcomes, idempotency per
/// order id, concurrency and validation.</summary>
public sealed class PaymentsApiTests : IAsyncLifetime
{
    private PaymentsSystem _system = null!;

    public async ValueTask InitializeAsync() => _system = await PaymentsSystem.StartAsync();

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Another_app_authorizes_a_payment_through_service_invocation()
    {
        using var response = await _system.Client.PostAsJsonAsync("/v1.0/invoke/payments/method/payments/authorize",
            new { orderId = "order-1", customerId = "customer-1", amount = 119.90m, currency = "EUR" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(["orderId", "status", "authorizationId"], body.Select(p => p.Key));
        Assert.Equal("order-1", body["orderId"]!.GetValue<string>());
        Assert.Equal("Authorized", body["status"]!.GetValue<string>());
        Assert.StartsWith("auth_", body["authorizationId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, (await _system.ProviderStatsAsync())["charges"]!.GetValue<int>());
    }

    [Fact]
    public async Task Repeating_an_authorize_gives_the_same_answer_and_charges_once()
    {
        var first = await AuthorizeAsync("order-1");
        var again = await AuthorizeAsync("order-1");
        Assert.Equal(first.ToJsonString(), again.ToJsonString());
        var stats = await _system.ProviderStatsAsync();
        Assert.Equal(1, stats["charges"]!.GetValue<int>());
        Assert.Equal(1, stats["requests"]!.GetValue<int>());
    }

    [Fact]
    public async Task Concurrent_authorizes_for_one_order_charge_once()
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => AuthorizeAsync("order-1")));
        Assert.Single(answers.Select(a => a["authorizationId"]!.GetValue<string>()).Distinct());
        var stats = await _system.ProviderStatsAsync();
        Assert.Equal(1, stats["charges"]!.GetValue<int>());
        // Racing callers may all reach the provider, but only ever with the one key the stored record holds.
        Assert.Single(stats["idempotencyKeys"]!.AsArray().Select(k => k!.GetValue<string>()).Distinct());
    }

    [Fact]
    public async Task Each_order_is_charged_separately()
    {
        var first = await AuthorizeAsync("order-1");
        var second = await AuthorizeAsync("order-2");
        Assert.NotEqual(first["authorizationId"]!.GetValue<string>(), second["authorizationId"]!.GetValue<string>());
        Assert.Equal(2, (await _system.ProviderStatsAsync())["charges"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("declined-customer", 42.50, "card_declined")]
    [InlineData("customer-1", 99.13, "insufficient_funds")]
    public async Task A_decline_is_a_200_outcome_with_a_reason_and_is_remembered(string customerId, double amount, string reason)
    {
        var answer = await AuthorizeAsync("order-1", (decimal)amount, customerId);
        Assert.Equal(["orderId", "status", "reason"], answer.Select(p => p.Key));
        Assert.Equal("Declined", answer["status"]!.GetValue<string>());
        Assert.Equal(reason, answer["reason"]!.GetValue<string>());

        Assert.Equal(answer.ToJsonString(), (await AuthorizeAsync("order-1", (decimal)amount, customerId)).ToJsonString());
        var stats = await _system.ProviderStatsAsync();
        Assert.Equal(0, stats["charges"]!.GetValue<int>());
        Assert.Equal(1, stats["declines"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_same_order_with_other_details_is_409_and_charges_nothing_more()
    {
        await AuthorizeAsync("order-1", 42.50m);
        using var response = await _system.AuthorizeAsync("order-1", 50.00m);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(1, (await _system.ProviderStatsAsync())["requests"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_refund_after_authorize_is_refunded_once_and_repeats_give_the_same_answer()
    {
        await AuthorizeAsync("order-1");
        var refund = await RefundAsync("order-1");
        Assert.Equal(["orderId", "status", "refundId"], refund.Select(p => p.Key));
        Assert.Equal("Refunded", refund["status"]!.GetValue<string>());
        Assert.StartsWith("re_", refund["refundId"]!.GetValue<string>(), StringComparison.Ordinal);

        Assert.Equal(refund.ToJsonString(), (await RefundAsync("order-1")).ToJsonString());
        var stats = await _system.ProviderStatsAsync();
        Assert.Equal(1, stats["refunds"]!.GetValue<int>());

        // An authorize after the refund reports it instead of charging again.
        Assert.Equal("Refunded", (await AuthorizeAsync("order-1"))["status"]!.GetValue<string>());
        Assert.Equal(1, (await _system.ProviderStatsAsync())["charges"]!.GetValue<int>());
    }

    [Fact]
    public async Task Concurrent_refunds_refund_once()
    {
        await AuthorizeAsync("order-1");
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => RefundAsync("order-1")));
        Assert.Single(answers.Select(a => a["refundId"]!.GetValue<string>()).Distinct());
        Assert.Equal(1, (await _system.ProviderStatsAsync())["refunds"]!.GetValue<int>());
    }

    [Fact]
    public async Task Refunding_an_unknown_or_declined_order_is_not_authorized_and_calls_nobody()
    {
        var unknown = await RefundAsync("order-never-paid");
        Assert.Equal("NotAuthorized", unknown["status"]!.GetValue<string>());
        Assert.Contains("No payment", unknown["reason"]!.GetValue<string>(), StringComparison.Ordinal);

        await AuthorizeAsync("order-declined", customerId: "declined-customer");
        var declined = await RefundAsync("order-declined");
        Assert.Equal("NotAuthorized", declined["status"]!.GetValue<string>());
        Assert.Contains("card_declined", declined["reason"]!.GetValue<string>(), StringComparison.Ordinal);

        var stats = await _system.ProviderStatsAsync();
        Assert.Equal(1, stats["requests"]!.GetValue<int>());
        Assert.Equal(0, stats["refunds"]!.GetValue<int>());
    }

    [Fact]
    public async Task Invalid_requests_are_400_validation_problems_naming_each_field()
    {
        using var authorize = await _system.App.PostAsJsonAsync("/payments/authorize", new { orderId = "bad id", amount = 1.001m, currency = "euro" });
        Assert.Equal(HttpStatusCode.BadRequest, authorize.StatusCode);
        Assert.Equal("application/problem+json", authorize.Content.Headers.ContentType?.MediaType);
        var errors = (await authorize.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Equal(["amount", "currency", "customerId", "orderId"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));

        using var refund = await _system.App.PostAsJsonAsync("/payments/refund", new { });
        Assert.Equal(HttpStatusCode.BadRequest, refund.StatusCode);
        Assert.Equal(["orderId"], (await refund.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key));

        Assert.Equal(0, (await _system.ProviderStatsAsync())["requests"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_payment_record_is_kept_in_statestore_under_the_order_id()
    {
        var answer = await AuthorizeAsync("order-1");
        var record = await _system.PaymentsSidecar.GetFromJsonAsync<JsonObject>("/v1.0/state/statestore/payment-order-1");
        Assert.Equal("Authorized", record!["status"]!.GetValue<string>());
        Assert.Equal(answer["authorizationId"]!.GetValue<string>(), record["authorizationId"]!.GetValue<string>());
        Assert.Equal(42.50m, record["amount"]!.GetValue<decimal>());
        var key = record["idempotencyKey"]!.GetValue<string>();
        Assert.Equal([key], (await _system.ProviderStatsAsync())["idempotencyKeys"]!.AsArray().Select(k => k!.GetValue<string>()));
    }

    [Fact]
    public async Task The_contract_is_in_the_openapi_document_and_healthz_answers()
    {
        var openApi = await _system.App.GetFromJsonAsync<JsonObject>("/openapi/v1.json");
        var authorize = openApi!["paths"]!["/payments/authorize"]!["post"]!;
        Assert.Equal("AuthorizePayment", authorize["operationId"]!.GetValue<string>());
        Assert.Equal(["200", "400", "409", "502", "503"], authorize["responses"]!.AsObject().Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.NotNull(openApi["paths"]!["/payments/refund"]!["post"]);
        var schemas = openApi["components"]!["schemas"]!.AsObject();
        Assert.Contains("AuthorizeResponse", schemas.Select(s => s.Key));

        using var health = await _system.App.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private async Task<JsonObject> AuthorizeAsync(string orderId, decimal amount = 42.50m, string customerId = "customer-1")
    {
        using var response = await _system.AuthorizeAsync(orderId, amount, customerId);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private async Task<JsonObject> RefundAsync(string orderId)
    {
        using var response = await _system.RefundAsync(orderId);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}
