using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Sidecart.PaymentProvider;

namespace Sidecart.Payments.Tests;

/// <summary>The stand-in provider's sandbox behaviours, through its own API in-process.</summary>
public sealed class PaymentProviderTests : IAsyncLifetime
{
    private const string ApiKey = "sk_test_provider";
    private readonly Factory _factory = new();
    private HttpClient _client = null!;

    public ValueTask InitializeAsync()
    {
        _client = _factory.CreateClient();
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task An_ordinary_charge_is_approved_and_counted()
    {
        var authorization = await AuthorizeAsync("key-1", amount: 20.00m);
        Assert.Equal("approved", authorization["status"]!.GetValue<string>());
        Assert.StartsWith("auth_", authorization["id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("order-1", authorization["reference"]!.GetValue<string>());
        Assert.Equal(1, (await StatsAsync())["charges"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("declined-customer", 20.00, "card_declined")]
    [InlineData("customer-1", 10.13, "insufficient_funds")]
    [InlineData("customer-1", 0.13, "insufficient_funds")]
    public async Task Test_customers_and_amounts_are_always_declined(string customerId, double amount, string reason)
    {
        var authorization = await AuthorizeAsync("key-1", customerId, (decimal)amount);
        Assert.Equal("declined", authorization["status"]!.GetValue<string>());
        Assert.Equal(reason, authorization["declineReason"]!.GetValue<string>());
        var stats = await StatsAsync();
        Assert.Equal(0, stats["charges"]!.GetValue<int>());
        Assert.Equal(1, stats["declines"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_same_idempotency_key_gets_the_same_answer_without_a_second_charge()
    {
        var first = await AuthorizeAsync("key-1");
        var again = await AuthorizeAsync("key-1");
        var other = await AuthorizeAsync("key-2");
        Assert.Equal(first["id"]!.GetValue<string>(), again["id"]!.GetValue<string>());
        Assert.NotEqual(first["id"]!.GetValue<string>(), other["id"]!.GetValue<string>());
        var stats = await StatsAsync();
        Assert.Equal(2, stats["charges"]!.GetValue<int>());
        Assert.Equal(3, stats["requests"]!.GetValue<int>());
        Assert.Equal(["key-1", "key-1", "key-2"], stats["idempotencyKeys"]!.AsArray().Select(k => k!.GetValue<string>()));
    }

    [Fact]
    public async Task The_books_list_every_authorization_once_with_its_refund()
    {
        var kept = await AuthorizeAsync("key-1");
        await AuthorizeAsync("key-1");
        var refunded = await AuthorizeAsync("key-2");
        using (var refund = await PostAsync("/v1/refunds", "refund-1", new { authorizationId = refunded["id"]!.GetValue<string>() }))
        {
            refund.EnsureSuccessStatusCode();
        }

        var books = (await _client.GetFromJsonAsync<JsonArray>("/admin/authorizations"))!.Select(e => e!.AsObject()).ToList();
        Assert.Equal(2, books.Count);
        var keptEntry = Assert.Single(books, e => e["id"]!.GetValue<string>() == kept["id"]!.GetValue<string>());
        Assert.Equal("order-1", keptEntry["reference"]!.GetValue<string>());
        Assert.Equal("approved", keptEntry["status"]!.GetValue<string>());
        Assert.Null(keptEntry["refundId"]);
        var refundedEntry = Assert.Single(books, e => e["id"]!.GetValue<string>() == refunded["id"]!.GetValue<string>());
        Assert.StartsWith("re_", refundedEntry["refundId"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_calls_with_one_key_charge_once()
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => AuthorizeAsync("key-1")));
        Assert.Single(answers.Select(a => a["id"]!.GetValue<string>()).Distinct());
        Assert.Equal(1, (await StatsAsync())["charges"]!.GetValue<int>());
    }

    [Fact]
    public async Task Reusing_a_key_for_a_different_request_is_refused()
    {
        await AuthorizeAsync("key-1", amount: 20m);
        using var response = await PostAsync("/v1/authorizations", "key-1", new { reference = "order-1", customerId = "customer-1", amount = 21m, currency = "EUR" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("idempotency_key_reused", (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Calls_without_an_idempotency_key_are_refused()
    {
        using var response = await PostAsync("/v1/authorizations", null, new { reference = "order-1", customerId = "c", amount = 1m, currency = "EUR" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("idempotency_key_missing", (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sk_test_wrong")]
    public async Task A_missing_or_wrong_api_key_is_401_and_charges_nothing(string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/authorizations")
        {
            Content = JsonContent.Create(new { reference = "order-1", customerId = "c", amount = 1m, currency = "EUR" }),
        };
        request.Headers.Add("Idempotency-Key", "key-1");
        // A fresh client: the shared one sends the right key by default.
        using var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = key is null ? null : new AuthenticationHeaderValue("Bearer", key);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_api_key", (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
        Assert.Equal(0, (await StatsAsync())["charges"]!.GetValue<int>());
    }

    [Fact]
    public async Task During_an_outage_calls_are_503_and_not_processed_and_afterwards_they_are()
    {
        await ChangeBehaviourAsync(new { outage = true });
        using (var response = await PostAsync("/v1/authorizations", "key-1", new { reference = "order-1", customerId = "c", amount = 1m, currency = "EUR" }))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }

        var stats = await StatsAsync();
        Assert.Equal(1, stats["requests"]!.GetValue<int>());
        Assert.Equal(0, stats["charges"]!.GetValue<int>());

        await ChangeBehaviourAsync(new { outage = false });
        Assert.Equal("approved", (await AuthorizeAsync("key-1"))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Latency_holds_back_the_answer_of_a_call_that_is_already_processed()
    {
        await ChangeBehaviourAsync(new { latencyMs = 5000, slowRequests = 1 });
        using (var impatient = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => PostAsync("/v1/authorizations", "key-1",
                new { reference = "order-1", customerId = "customer-1", amount = 42.50m, currency = "EUR" }, impatient.Token));
        }

        Assert.Equal(1, (await StatsAsync())["charges"]!.GetValue<int>());
        var behaviour = await _client.GetFromJsonAsync<JsonObject>("/admin/behaviour");
        Assert.Equal(0, behaviour!["slowRequests"]!.GetValue<int>());

        // Only the one slow request was slowed: the retry with the same key is answered at once, from the books.
        var watch = Stopwatch.StartNew();
        Assert.Equal("approved", (await AuthorizeAsync("key-1"))["status"]!.GetValue<string>());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"the second call took {watch.Elapsed}");
        Assert.Equal(1, (await StatsAsync())["charges"]!.GetValue<int>());
    }

    [Fact]
    public async Task Latency_without_a_count_applies_to_every_call()
    {
        await ChangeBehaviourAsync(new { latencyMs = 150 });
        foreach (var key in new[] { "key-1", "key-2" })
        {
            var watch = Stopwatch.StartNew();
            await AuthorizeAsync(key);
            Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(140), $"{key} took only {watch.Elapsed}");
        }
    }

    [Fact]
    public async Task Bad_behaviour_changes_are_400_naming_the_field()
    {
        using var response = await _client.PostAsJsonAsync("/admin/behaviour", new { latencyMs = -1, slowRequests = -2 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.Equal(["latencyMs", "slowRequests"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_approved_authorization_is_refunded_once()
    {
        var authorizationId = (await AuthorizeAsync("key-1"))["id"]!.GetValue<string>();
        var refund = await RefundAsync("refund-1", authorizationId);
        Assert.Equal("refunded", refund["status"]!.GetValue<string>());
        Assert.Equal(refund["id"]!.GetValue<string>(), (await RefundAsync("refund-1", authorizationId))["id"]!.GetValue<string>());

        using var secondRefund = await PostAsync("/v1/refunds", "refund-2", new { authorizationId });
        Assert.Equal(HttpStatusCode.Conflict, secondRefund.StatusCode);
        Assert.Equal(1, (await StatsAsync())["refunds"]!.GetValue<int>());
    }

    [Fact]
    public async Task Unknown_and_declined_authorizations_cannot_be_refunded()
    {
        using (var unknown = await PostAsync("/v1/refunds", "refund-1", new { authorizationId = "auth_nope" }))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        var declined = (await AuthorizeAsync("key-1", customerId: "declined-customer"))["id"]!.GetValue<string>();
        using (var response = await PostAsync("/v1/refunds", "refund-2", new { authorizationId = declined }))
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        }

        Assert.Equal(0, (await StatsAsync())["refunds"]!.GetValue<int>());
    }

    private async Task<JsonObject> AuthorizeAsync(string idempotencyKey, string customerId = "customer-1", decimal amount = 42.50m)
    {
        using var response = await PostAsync("/v1/authorizations", idempotencyKey, new { reference = "order-1", customerId, amount, currency = "EUR" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private async Task<JsonObject> RefundAsync(string idempotencyKey, string authorizationId)
    {
        using var response = await PostAsync("/v1/refunds", idempotencyKey, new { authorizationId });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string? idempotencyKey, object body, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await _client.SendAsync(request, cancellationToken);
    }

    private async Task<JsonObject> StatsAsync() => (await _client.GetFromJsonAsync<JsonObject>("/admin/stats"))!;

    private async Task ChangeBehaviourAsync(object change)
    {
        using var response = await _client.PostAsJsonAsync("/admin/behaviour", change);
        response.EnsureSuccessStatusCode();
    }

    private sealed class Factory : WebApplicationFactory<ProviderOptions>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Provider:ApiKey", ApiKey);
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
        }
    }
}
