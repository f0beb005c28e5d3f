using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Sidecart.Testing;

namespace Sidecar.Bench;

/// <summary>What the order-flow benchmark does against the running system: place orders, wait for their
/// confirmation, and the baseline invocation.</summary>
internal sealed class OrderClient(HttpClient http, SidecartSystem system, OrderEventsApp events, string[] skus)
{
    private readonly Uri _orders = new(system.AppEndpoint("ordering"), "/orders");
    // Through ordering's sidecar: catalog's access control admits ordering's product reads and nothing from other apps.
    private readonly Uri _product = new(system.DaprEndpoint("ordering"), $"/v1.0/invoke/catalog/method/products/{skus[0]}");
    private readonly ConcurrentBag<string> _placed = [];
    private int _sequence;

    /// <summary>The baseline: catalog's <c>GET /products/{sku}</c> through ordering's sidecar and catalog's (mTLS).</summary>
    public async Task InvokeAsync()
    {
        using var response = await http.GetAsync(_product);
        response.EnsureSuccessStatusCode();
    }

    /// <summary><c>POST /orders</c> for one unit of a SKU (taken in turn), returning the order id once ordering has
    /// answered 202, and the Stopwatch timestamp at which the request was sent.</summary>
    public async Task<(string OrderId, long Sent)> PlaceAsync()
    {
        var n = Interlocked.Increment(ref _sequence);
        using var request = new HttpRequestMessage(HttpMethod.Post, _orders)
        {
            Content = JsonContent.Create(new { customerId = $"bench-{n}", items = new[] { new { sku = skus[n % skus.Length], quantity = 1 } } }),
        };
        request.Headers.Add("Idempotency-Key", $"bench-{Guid.NewGuid():N}");
        var sent = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var orderId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("orderId").GetString()!;
        _placed.Add(orderId);
        return (orderId, sent);
    }

    public Task<long> ConfirmedAsync(string orderId) => events.ConfirmedAsync(orderId).WaitAsync(TimeSpan.FromSeconds(60));

    /// <summary>Waits until every order placed so far has been shipped, so that no work left behind by one phase
    /// (shipping, <c>Shipped</c> updates) is charged to the next.</summary>
    public async Task DrainAsync()
    {
        var placed = _placed.ToArray();
        await Task.WhenAll(placed.Select(orderId => events.ShippedAsync(orderId))).WaitAsync(TimeSpan.FromSeconds(120));
    }

    public async Task ConfirmedOrderAsync() => await ConfirmedAsync((await PlaceAsync()).OrderId);
}
