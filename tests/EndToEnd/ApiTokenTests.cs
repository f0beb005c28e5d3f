using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Sidecart.Testing;

namespace EndToEnd;

/// <summary>
/// The whole system with a <c>DAPR_API_TOKEN</c> and an <c>APP_API_TOKEN</c> per app, given through each app's
/// <c>env</c> in the run file, which reaches the sidecar as well as the app (as with the dapr CLI): every SDK call an app
/// makes (state and publish over gRPC, actors, workflows, invocation) carries its token, every call a sidecar makes into
/// its app carries the app's, and an order goes all the way to Shipped. A system of its own, in the shared collection
/// so that it never runs beside the shared system.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class ApiTokenTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("local")]
    [InlineData("redis")]
    public async Task With_tokens_on_every_hop_an_order_ships_and_calls_without_them_are_refused(string profile)
    {
        var (options, redis) = await SystemFixture.ProfileAsync(profile, new SidecartSystemOptions
        {
            Configuration = SystemFixture.BuildConfiguration,
            TempFolder = "sidecart-e2e-tokens",
            ApiTokens = true,
        });
        await using var server = redis;
        await using var system = await SidecartSystem.StartAsync(options, Ct);
        using var orderingDapr = new HttpClient { BaseAddress = system.DaprEndpoint("ordering") };
        using var orderingApp = new HttpClient { BaseAddress = system.AppEndpoint("ordering") };

        using (var anonymous = await orderingDapr.GetAsync("/v1.0/metadata", Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using (var direct = await orderingApp.GetAsync("/orders/ord-nope", Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, direct.StatusCode);
        }

        orderingDapr.DefaultRequestHeaders.Add("dapr-api-token", system.DaprApiToken("ordering"));
        using var place = new HttpRequestMessage(HttpMethod.Post, "/v1.0/invoke/ordering/method/orders")
        {
            Content = JsonContent.Create(new { customerId = "token-holder", items = new[] { new { sku = "SOCKS-MERINO", quantity = 1 } } }),
        };
        place.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var placed = await orderingDapr.SendAsync(place, Ct);
        var body = await placed.Content.ReadAsStringAsync(Ct);
        Assert.True(placed.StatusCode == HttpStatusCode.Accepted, $"POST /orders through the sidecar: {(int)placed.StatusCode} {body}");
        var orderId = JsonDocument.Parse(body).RootElement.GetProperty("orderId").GetString()!;

        var order = await Eventually.UntilAsync(
            () => orderingDapr.GetFromJsonAsync<JsonElement>($"/v1.0/invoke/ordering/method/orders/{orderId}", Ct),
            o => o.GetProperty("status").GetString() is "Shipped" or "Rejected" or "Cancelled",
            $"order {orderId} to reach a final status", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
        Assert.Equal("Shipped", order.GetProperty("status").GetString());
    }
}
