using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sidecart.Payments.Infrastructure;

namespace Sidecart.Payments.Tests;

/// <summary>The provider client's resilience handler as configured from <c>Payments:Provider</c>: which failures are
/// retried and which are not, the per-attempt and total timeouts, and a circuit that opens after the configured
/// failures and shows in <c>provider-status</c>.</summary>
public sealed class ProviderResilienceTests
{
    [Fact]
    public async Task Transient_failures_are_retried_with_the_same_key_until_the_provider_answers()
    {
        await using var provider = await ScriptedProvider.StartAsync(
            ScriptedAnswer.Failing(503), ScriptedAnswer.Failing(500), ScriptedAnswer.Failing(429), ScriptedAnswer.Approved);
        await using var system = await StartAsync(provider, new() { ["Payments:Provider:MaxRetryAttempts"] = "3" });

        using var response = await system.AuthorizeAsync("order-1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Authorized", (await response.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());
        Assert.Equal(4, provider.Calls.Count);
        Assert.Single(provider.Calls.Select(c => c.IdempotencyKey).Distinct());
        Assert.Contains(system.Logs.Entries, e => e.Message.Contains("retry 3 of 3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_provider_that_keeps_failing_is_tried_once_plus_the_configured_retries_then_503()
    {
        await using var provider = await ScriptedProvider.StartAsync(ScriptedAnswer.Failing(502));
        await using var system = await StartAsync(provider, new() { ["Payments:Provider:MaxRetryAttempts"] = "2" });

        using var response = await system.AuthorizeAsync("order-1");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(3, provider.Calls.Count);
    }

    [Fact]
    public async Task A_decline_is_an_answer_and_is_not_retried()
    {
        await using var provider = await ScriptedProvider.StartAsync(ScriptedAnswer.Declined("card_declined"), ScriptedAnswer.Approved);
        await using var system = await StartAsync(provider);

        using var response = await system.AuthorizeAsync("order-1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Declined", (await response.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());
        Assert.Single(provider.Calls);
    }

    [Fact]
    public async Task A_refused_request_is_not_retried_and_is_a_502()
    {
        await using var provider = await ScriptedProvider.StartAsync(new ScriptedAnswer(422, """{"code":"idempotency_key_reused"}"""), ScriptedAnswer.Approved);
        await using var system = await StartAsync(provider);

        using var response = await system.AuthorizeAsync("order-1");
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("idempotency_key_reused", (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(provider.Calls);
    }

    [Fact]
    public async Task Only_a_call_the_provider_can_recognise_as_a_repeat_is_sent_again()
    {
        await using var provider = await ScriptedProvider.StartAsync(ScriptedAnswer.Failing(503));
        await using var system = await StartAsync(provider, new() { ["Payments:Provider:MaxRetryAttempts"] = "2" });
        // The provider client's own HttpClient, handler and all, as PaymentProviderClient gets it.
        using var http = system.PaymentsServices.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(PaymentProviderClient));

        async Task<int> CallsForAsync(HttpMethod method, string? idempotencyKey)
        {
            var before = provider.Calls.Count;
            using var request = new HttpRequestMessage(method, "v1/authorizations");
            if (idempotencyKey is not null)
            {
                request.Headers.Add(PaymentProviderClient.IdempotencyKeyHeader, idempotencyKey);
            }

            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            return provider.Calls.Count - before;
        }

        Assert.Equal(1, await CallsForAsync(HttpMethod.Post, idempotencyKey: null));
        Assert.Equal(3, await CallsForAsync(HttpMethod.Post, "pay_key"));
        Assert.Equal(3, await CallsForAsync(HttpMethod.Get, idempotencyKey: null));
    }

    [Fact]
    public async Task The_circuit_opens_after_the_configured_failures_and_provider_status_shows_it()
    {
        await using var system = await PaymentsSystem.StartAsync(new Dictionary<string, string>
        {
            ["Payments:Provider:MaxRetryAttempts"] = "1",
            ["Payments:Provider:CircuitBreaker:FailureRatio"] = "0.5",
            ["Payments:Provider:CircuitBreaker:MinimumThroughput"] = "4",
            ["Payments:Provider:CircuitBreaker:BreakDuration"] = "00:00:30",
        });
        await system.SetProviderBehaviourAsync(new { outage = true });

        // Two failed attempts: fewer than the minimum throughput, so the circuit stays closed.
        using (var first = await system.AuthorizeAsync("order-1"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        }

        var closed = await ProviderStatusAsync(system);
        Assert.Equal(("Closed", 0), (closed["circuit"]!.GetValue<string>(), closed["timesOpened"]!.GetValue<int>()));

        // The fourth failed attempt reaches it.
        var before = DateTimeOffset.UtcNow;
        using (var second = await system.AuthorizeAsync("order-2"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        }

        var open = await ProviderStatusAsync(system);
        Assert.Equal(["circuit", "lastOpenedAt", "timesOpened"], open.Select(p => p.Key));
        Assert.Equal(("Open", 1), (open["circuit"]!.GetValue<string>(), open["timesOpened"]!.GetValue<int>()));
        Assert.True(open["lastOpenedAt"]!.GetValue<DateTimeOffset>() >= before.AddSeconds(-1));
        Assert.Equal(4, (await system.ProviderStatsAsync())["requests"]!.GetValue<int>());

        // Open: the next call fails at once without reaching the provider.
        using (var third = await system.AuthorizeAsync("order-3"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, third.StatusCode);
            Assert.Contains("circuit open", (await third.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.Equal(4, (await system.ProviderStatsAsync())["requests"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_total_timeout_ends_a_call_whatever_retries_are_left()
    {
        await using var system = await PaymentsSystem.StartAsync(new Dictionary<string, string>
        {
            ["Payments:Provider:AttemptTimeout"] = "00:00:01",
            ["Payments:Provider:TotalTimeout"] = "00:00:02.500",
            ["Payments:Provider:MaxRetryAttempts"] = "10",
        });
        // A first payment warms up what every call needs (the sidecar connection, the API key), so only the provider is timed.
        using (var warmUp = await system.AuthorizeAsync("order-0"))
        {
            Assert.Equal(HttpStatusCode.OK, warmUp.StatusCode);
        }

        await system.SetProviderBehaviourAsync(new { latencyMs = 5_000 });
        var watch = Stopwatch.StartNew();
        using var response = await system.AuthorizeAsync("order-1");
        watch.Stop();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Payment provider unavailable", (await response.Content.ReadFromJsonAsync<JsonObject>())!["title"]!.GetValue<string>());
        // Ten retries of one second each would take eleven seconds; the total timeout ends the call at 2.5.
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(2.4), TimeSpan.FromSeconds(5));
        Assert.InRange((await system.ProviderStatsAsync())["requests"]!.GetValue<int>() - 1, 2, 3);
    }

    [Fact]
    public async Task The_configuration_keys_reach_the_resilience_handler()
    {
        await using var system = await PaymentsSystem.StartAsync(new Dictionary<string, string>
        {
            ["Payments:Provider:AttemptTimeout"] = "00:00:02",
            ["Payments:Provider:TotalTimeout"] = "00:00:09",
            ["Payments:Provider:MaxRetryAttempts"] = "5",
            ["Payments:Provider:RetryDelay"] = "00:00:00.300",
            ["Payments:Provider:CircuitBreaker:FailureRatio"] = "0.25",
            ["Payments:Provider:CircuitBreaker:MinimumThroughput"] = "7",
            ["Payments:Provider:CircuitBreaker:SamplingDuration"] = "00:00:40",
            ["Payments:Provider:CircuitBreaker:BreakDuration"] = "00:00:11",
        });
        var options = system.PaymentsServices.GetRequiredService<IOptionsMonitor<Microsoft.Extensions.Http.Resilience.HttpStandardResilienceOptions>>()
            .Get($"{nameof(PaymentProviderClient)}-standard");

        Assert.Equal(TimeSpan.FromSeconds(2), options.AttemptTimeout.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(9), options.TotalRequestTimeout.Timeout);
        Assert.Equal((5, TimeSpan.FromMilliseconds(300), Polly.DelayBackoffType.Exponential, true), (options.Retry.MaxRetryAttempts, options.Retry.Delay, options.Retry.BackoffType, options.Retry.UseJitter));
        Assert.Equal((0.25, 7, TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(11)),
            (options.CircuitBreaker.FailureRatio, options.CircuitBreaker.MinimumThroughput, options.CircuitBreaker.SamplingDuration, options.CircuitBreaker.BreakDuration));
    }

    [Fact]
    public async Task Settings_that_contradict_each_other_stop_the_app_at_start()
    {
        var failure = await Record.ExceptionAsync(() => PaymentsSystem.StartAsync(new Dictionary<string, string>
        {
            ["Payments:Provider:AttemptTimeout"] = "00:00:05",
            ["Payments:Provider:TotalTimeout"] = "00:00:02",
        }));

        // The whole exception in the message, should another one come (it once came as an ObjectDisposedException in CI).
        var invalid = failure as OptionsValidationException;
        Assert.True(invalid is not null, $"expected an OptionsValidationException, got {failure}");
        Assert.Contains("Total request timeout", invalid.Message, StringComparison.Ordinal);
    }

    private static Task<PaymentsSystem> StartAsync(ScriptedProvider provider, Dictionary<string, string>? settings = null)
    {
        settings ??= [];
        settings["Payments:Provider:BaseUrl"] = provider.BaseAddress.ToString();
        return PaymentsSystem.StartAsync(settings);
    }

    /// <summary>As an operator or another app reads it: through the sidecar.</summary>
    private static async Task<JsonObject> ProviderStatusAsync(PaymentsSystem system) =>
        (await system.Client.GetFromJsonAsync<JsonObject>("/v1.0/invoke/payments/method/payments/provider-status"))!;
}
