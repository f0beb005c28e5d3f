using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Sidecart.Payments.Tests;

/// <summary>The provider's API key comes from the secret store, reaches the provider, and never reaches a log.</summary>
public sealed class ProviderApiKeyTests
{
    /// <summary>Every category at its most verbose, ASP.NET Core and HttpClient included, so nothing that could leak is filtered out.</summary>
    private static readonly Dictionary<string, string> TraceLogging = new()
    {
        ["Logging:LogLevel:Default"] = "Trace",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Trace",
    };

    [Fact]
    public async Task A_wrong_api_key_is_a_clear_503_problem_and_an_error_log_without_the_key()
    {
        await using var system = await PaymentsSystem.StartAsync(TraceLogging, providerApiKey: "sk_test_the_provider_expects_another");

        using var response = await system.AuthorizeAsync("order-1");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Payment provider credentials rejected", problem["title"]!.GetValue<string>());
        Assert.Contains(PaymentsSystem.SecretName, problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(system.ApiKey, problem.ToJsonString(), StringComparison.Ordinal);

        var error = Assert.Single(system.Logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("rejected the API key", StringComparison.Ordinal));
        Assert.Contains(PaymentsSystem.SecretName, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(system.Logs.Entries, e => e.Contains(system.ApiKey));

        // A credentials problem is not retried: retrying cannot fix it.
        var stats = await system.ProviderStatsAsync();
        Assert.Equal(1, stats["requests"]!.GetValue<int>());
        Assert.Equal(0, stats["charges"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_key_from_the_secret_store_is_accepted_and_never_logged_even_at_trace_level()
    {
        await using var system = await PaymentsSystem.StartAsync(TraceLogging);

        using (var authorize = await system.AuthorizeAsync("order-1"))
        {
            Assert.Equal(HttpStatusCode.OK, authorize.StatusCode);
        }

        using (var refund = await system.RefundAsync("order-1"))
        {
            Assert.Equal(HttpStatusCode.OK, refund.StatusCode);
        }

        // The outgoing calls were logged (so the search below covers them), without the key.
        Assert.Contains(system.Logs.Entries, e => e.Category.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal) && e.Message.Contains("/v1/authorizations", StringComparison.Ordinal));
        Assert.DoesNotContain(system.Logs.Entries, e => e.Contains(system.ApiKey));
    }
}
