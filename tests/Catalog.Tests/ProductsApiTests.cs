using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Sidecart.Catalog.Tests;

/// <summary>The catalog's HTTP API through a real local sidecar: reads, writes, validation, events and caching.</summary>
public sealed class ProductsApiTests : IAsyncLifetime
{
    private CatalogSystem _system = null!;

    public async ValueTask InitializeAsync() => _system = await CatalogSystem.StartAsync();

    public async ValueTask DisposeAsync() => await _system.DisposeAsync();

    [Fact]
    public async Task Products_are_seeded_from_the_file_and_listed_by_sku()
    {
        var products = await _system.App.GetFromJsonAsync<JsonArray>("/products");
        var skus = products!.Select(p => p!["sku"]!.GetValue<string>()).ToList();
        Assert.Equal(8, skus.Count);
        Assert.Equal(skus.Order(StringComparer.Ordinal), skus);
        var headlamp = products!.Single(p => p!["sku"]!.GetValue<string>() == "HEADLAMP-400")!;
        Assert.Equal(["sku", "name", "price", "currency"], headlamp.AsObject().Select(p => p.Key));
        Assert.Equal(39.50m, headlamp["price"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Other_apps_read_a_product_through_service_invocation()
    {
        var product = await _system.Client.GetFromJsonAsync<JsonObject>("/v1.0/invoke/catalog/method/products/BOTTLE-750");
        Assert.Equal("Insulated bottle, 750 ml", product!["name"]!.GetValue<string>());
        Assert.Equal("EUR", product["currency"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_sku_is_404_problem_details()
    {
        using var response = await _system.App.GetAsync("/products/NOPE-1");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("NOPE-1", (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_changes_an_existing_product_and_a_new_sku_is_created()
    {
        using var changed = await _system.App.PutAsJsonAsync("/products/HEADLAMP-400", new { name = "Headlamp, 450 lumen", price = 44.50m, currency = "EUR" });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var read = await _system.App.GetFromJsonAsync<JsonObject>("/products/HEADLAMP-400");
        Assert.Equal(44.50m, read!["price"]!.GetValue<decimal>());

        using var created = await _system.App.PutAsJsonAsync("/products/GAITERS-1", new { name = "Trail gaiters", price = 29m, currency = "EUR" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/products/GAITERS-1", created.Headers.Location?.OriginalString);
        var all = await _system.App.GetFromJsonAsync<JsonArray>("/products");
        Assert.Contains(all!, p => p!["sku"]!.GetValue<string>() == "GAITERS-1");
    }

    [Fact]
    public async Task New_products_put_at_the_same_time_are_all_listed()
    {
        // Each one adds its SKU to the index with the index's ETag: all but one lose that race and must read it again.
        var skus = Enumerable.Range(1, 6).Select(i => $"RACE-{i}").ToList();
        var responses = await Task.WhenAll(skus.Select(sku => _system.App.PutAsJsonAsync($"/products/{sku}", new { name = "Race bib", price = 5m, currency = "EUR" })));
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            response.Dispose();
        }

        var listed = (await _system.App.GetFromJsonAsync<JsonArray>("/products"))!.Select(p => p!["sku"]!.GetValue<string>()).ToList();
        Assert.All(skus, sku => Assert.Contains(sku, listed));
        Assert.Equal(8 + skus.Count, listed.Count);
    }

    [Fact]
    public async Task Invalid_products_are_400_validation_problems_naming_each_field()
    {
        using var response = await _system.App.PutAsJsonAsync("/products/HEADLAMP-400", new { price = -1m, currency = "euro" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(["currency", "name", "price"], problem!["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Equal(39.50m, (await _system.App.GetFromJsonAsync<JsonObject>("/products/HEADLAMP-400"))!["price"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task A_change_is_published_on_product_updated()
    {
        var received = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var listener = await Listener.StartAsync(_system, received);

        using var response = await _system.App.PutAsJsonAsync("/products/VEST-5L", new { name = "Running vest, 5 l", price = 69m, currency = "EUR" });
        response.EnsureSuccessStatusCode();

        var cloudEvent = await received.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal("catalog", cloudEvent["source"]!.GetValue<string>());
        Assert.Equal("product-updated", cloudEvent["topic"]!.GetValue<string>());
        Assert.Equal("VEST-5L", cloudEvent["data"]!["sku"]!.GetValue<string>());
        Assert.Equal(69m, cloudEvent["data"]!["price"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Reads_are_cached_until_a_product_updated_event_invalidates_them()
    {
        Assert.Equal(24.00m, (await _system.App.GetFromJsonAsync<JsonObject>("/products/BOTTLE-750"))!["price"]!.GetValue<decimal>());

        // Another writer changes the stored product behind the catalog's back: the cached value is still served.
        using var write = await _system.CatalogSidecar.PostAsJsonAsync("/v1.0/state/statestore",
            new[] { new { key = "product-BOTTLE-750", value = new { sku = "BOTTLE-750", name = "Insulated bottle, 750 ml", price = 21.00m, currency = "EUR" } } });
        write.EnsureSuccessStatusCode();
        Assert.Equal(24.00m, (await _system.App.GetFromJsonAsync<JsonObject>("/products/BOTTLE-750"))!["price"]!.GetValue<decimal>());

        using var publish = await _system.Client.PostAsJsonAsync("/v1.0/publish/pubsub/product-updated",
            new { sku = "BOTTLE-750", name = "Insulated bottle, 750 ml", price = 21.00m, currency = "EUR", updatedAt = DateTimeOffset.UtcNow });
        publish.EnsureSuccessStatusCode();
        await CatalogSystem.EventuallyAsync(
            async () => (await _system.App.GetFromJsonAsync<JsonObject>("/products/BOTTLE-750"))!["price"]!.GetValue<decimal>(),
            price => price == 21.00m,
            "the cache to be invalidated by the event");
    }
}
