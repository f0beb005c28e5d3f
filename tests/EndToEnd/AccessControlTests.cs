using System.Net;
using System.Text;
using System.Text.Json;

namespace EndToEnd;

/// <summary>The shop's access control as config/*.yaml gives it, over the mTLS hop of the running system: ordering may
/// read catalog's products and call payments' authorize and refund; every other invocation between apps is refused
/// with daprd's 403 <c>ERR_DIRECT_INVOKE</c>, whatever caller header comes along. (The order flow tests prove that what
/// the code itself calls gets through.)</summary>
[Collection(SystemCollection.Name)]
public sealed class AccessControlTests(LocalSystemFixture system)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string, string> Forbidden => new()
    {
        { "ordering", "PUT", "catalog", "products/HEADLAMP-400" },
        { "ordering", "GET", "catalog", "dead-letters" },
        { "ordering", "GET", "catalog", "products/HEADLAMP-400/extra" },
        { "ordering", "GET", "payments", "payments/provider-status" },
        { "ordering", "GET", "payments", "payments/authorize" },
        { "ordering", "GET", "inventory", "stock/HEADLAMP-400" },
        { "ordering", "GET", "shipping", "shipments/ord-1" },
        { "catalog", "POST", "payments", "payments/authorize" },
        { "catalog", "POST", "ordering", "orders" },
        { "shipping", "GET", "ordering", "orders/ord-1" },
        { "shipping", "GET", "catalog", "products" },
        { "inventory", "POST", "payments", "payments/refund" },
        { "payments", "GET", "catalog", "products/HEADLAMP-400" },
        { "payments", "GET", "inventory", "stock/HEADLAMP-400" },
    };

    [Theory]
    [MemberData(nameof(Forbidden))]
    public async Task A_call_the_policies_do_not_grant_is_refused(string caller, string verb, string callee, string method)
    {
        using var response = await InvokeAsync(caller, verb, callee, method, forgedCaller: null);

        await AssertRefusedAsync(response, caller, callee, method, verb);
    }

    [Theory]
    [InlineData("shipping", "payments", "payments/authorize")]
    [InlineData("catalog", "payments", "payments/refund")]
    public async Task Claiming_to_be_ordering_in_a_header_changes_nothing(string caller, string callee, string method)
    {
        using var response = await InvokeAsync(caller, "POST", callee, method, forgedCaller: "ordering");

        await AssertRefusedAsync(response, caller, callee, method, "POST");
    }

    [Theory]
    [InlineData("GET", "catalog", "products")]
    [InlineData("GET", "catalog", "products/HEADLAMP-400")]
    [InlineData("POST", "payments", "payments/authorize")]
    [InlineData("POST", "payments", "payments/refund")]
    public async Task What_ordering_is_granted_reaches_the_app(string verb, string callee, string method)
    {
        // An empty body: the app's own validation answers, which proves the call went through.
        using var response = await InvokeAsync("ordering", verb, callee, method, forgedCaller: null, body: "{}");

        Assert.NotEqual(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("ERR_DIRECT_INVOKE", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> InvokeAsync(string caller, string verb, string callee, string method, string? forgedCaller, string? body = null)
    {
        using var http = new HttpClient { BaseAddress = system.DaprEndpoint(caller), Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(new HttpMethod(verb), $"/v1.0/invoke/{callee}/method/{method}");
        if (verb != "GET")
        {
            request.Content = new StringContent(body ?? "{\"orderId\":\"acl-probe\",\"amount\":1,\"currency\":\"EUR\"}", Encoding.UTF8, "application/json");
        }

        if (forgedCaller is not null)
        {
            request.Headers.Add("dapr-caller-app-id", forgedCaller);
        }

        return await http.SendAsync(request, Ct);
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string caller, string callee, string method, string verb)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{caller} → {verb} {callee}/{method}: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        Assert.Equal("ERR_DIRECT_INVOKE", json.RootElement.GetProperty("errorCode").GetString());
        Assert.Equal(
            $"failed to invoke, id: {callee}, err: rpc error: code = PermissionDenied desc = access control policy has denied access to id: spiffe://public/ns/default/{caller} operation: {method} verb: {verb}",
            json.RootElement.GetProperty("message").GetString());
    }
}
