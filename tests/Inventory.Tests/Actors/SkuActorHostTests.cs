using System.Net.Http.Json;
using Sidecart.Inventory.Actors;

namespace Sidecart.Inventory.Tests.Actors;

/// <summary>The Sku actors as ordering reaches them: through its own sidecar, to the inventory's sidecar, to the app.</summary>
public sealed class SkuActorHostTests(InventoryFixture fixture) : IClassFixture<InventoryFixture>
{
    private InventorySystem System => fixture.System;

    private Task<StockLevel?> StockAsync(string sku) => System.App.GetFromJsonAsync<StockLevel>($"/stock/{sku}", TestContext.Current.CancellationToken);

    [Fact]
    public async Task Every_sku_of_the_seed_file_starts_with_its_opening_stock()
    {
        foreach (var sku in new[] { "TRAIL-SHOE-42", "POLES-CARBON" })
        {
            var level = await InventorySystem.EventuallyAsync(() => StockAsync(sku), l => l?.Available > 0, $"the opening stock of {sku}");
            Assert.Equal(new StockLevel(sku, 25, 0), level);
        }
    }

    [Fact]
    public async Task A_sku_never_stocked_has_nothing()
    {
        var sku = InventorySystem.NewSku();

        Assert.Equal(new StockLevel(sku, 0, 0), await StockAsync(sku));
    }

    [Fact]
    public async Task Reserve_confirm_and_release_through_the_callers_sidecar()
    {
        var sku = InventorySystem.NewSku();
        var actor = System.Sku(sku);
        await actor.AddStock(new StockReceipt("rcpt-1", 5));

        var reserved = await actor.Reserve(new ReserveStock("ord-1", 2));
        var confirmed = await actor.Confirm(new StockOrderRef("ord-1"));
        var releaseConfirmed = await actor.Release(new StockOrderRef("ord-1"));
        await actor.Reserve(new ReserveStock("ord-2", 1));
        var released = await actor.Release(new StockOrderRef("ord-2"));
        var releasedUnknown = await actor.Release(new StockOrderRef("ord-unknown"));
        var tooMany = await actor.Reserve(new ReserveStock("ord-3", 4));

        Assert.Equal(new StockOperationResult("ord-1", sku, true, null, 3, 2), reserved);
        Assert.Equal(new StockOperationResult("ord-1", sku, true, null, 3, 0), confirmed);
        Assert.Equal(new StockOperationResult("ord-1", sku, false, "already confirmed", 3, 0), releaseConfirmed);
        Assert.Equal(new StockOperationResult("ord-2", sku, true, null, 3, 0), released);
        Assert.True(releasedUnknown.Accepted);
        Assert.Equal(new StockOperationResult("ord-3", sku, false, "insufficient stock: requested 4, available 3", 3, 0), tooMany);
        Assert.Equal(new StockLevel(sku, 3, 0), await StockAsync(sku));
    }

    [Fact]
    public async Task Fifty_concurrent_reservations_against_ten_units_accept_exactly_ten()
    {
        var sku = InventorySystem.NewSku();
        await System.Sku(sku).AddStock(new StockReceipt("rcpt-1", 10));

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => System.Sku(sku).Reserve(new ReserveStock($"ord-{i}", 1))));

        Assert.Equal(10, results.Count(r => r.Accepted));
        Assert.Equal(40, results.Count(r => r.Reason?.StartsWith("insufficient stock", StringComparison.Ordinal) == true));
        Assert.Equal(new StockLevel(sku, 0, 10), await StockAsync(sku));
    }

    [Fact]
    public async Task A_reservation_that_is_never_confirmed_expires_by_reminder_and_the_stock_comes_back()
    {
        await using var system = await InventorySystem.StartAsync(reservationTimeout: TimeSpan.FromSeconds(1));
        var sku = InventorySystem.NewSku();
        var actor = system.Sku(sku);
        await actor.AddStock(new StockReceipt("rcpt-1", 5));

        var reserved = await actor.Reserve(new ReserveStock("ord-1", 3));
        Assert.Equal(2, reserved.Available);

        var level = await InventorySystem.EventuallyAsync(
            () => system.App.GetFromJsonAsync<StockLevel>($"/stock/{sku}", TestContext.Current.CancellationToken),
            l => l?.Reserved == 0,
            "the reservation to expire");
        Assert.Equal(new StockLevel(sku, 5, 0), level);
        var confirm = await actor.Confirm(new StockOrderRef("ord-1"));
        Assert.Equal(new StockOperationResult("ord-1", sku, false, "reservation expired", 5, 0), confirm);
    }
}
