using Microsoft.Extensions.DependencyInjection;
using Sidecart.Dapr;
using Sidecart.Dapr.Actors.Testing;
using Sidecart.Inventory.Actors;
using Sidecart.Inventory.Model;

namespace Sidecart.Inventory.Tests;

public sealed class SkuActorTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(7);

    private static ActorTestHost<SkuActor> Host()
    {
        var services = new ServiceCollection()
            .AddLogging()
            .Configure<InventoryOptions>(o => o.ReservationTimeout = Timeout)
            .BuildServiceProvider();
        return ActorTestHost.Create<SkuActor>("SKU-1", InventoryJsonContext.Default, services);
    }

    private static async Task<ActorTestHost<SkuActor>> HostWithStockAsync(int quantity)
    {
        var host = Host();
        await host.InvokeAsync(a => a.AddStock(new StockReceipt("rcpt-1", quantity)));
        return host;
    }

    [Fact]
    public async Task A_reservation_registers_its_expiry_reminder_for_the_configured_timeout()
    {
        var host = await HostWithStockAsync(5);

        var result = await host.InvokeAsync(a => a.Reserve(new ReserveStock("ord-1", 2)));

        Assert.Equal(new StockOperationResult("ord-1", "SKU-1", true, null, 3, 2), result);
        Assert.Equal(ActorReminder.Create(Timeout).DueTime, host.Reminders["expire-ord-1"].DueTime);
        Assert.True(string.IsNullOrEmpty(host.Reminders["expire-ord-1"].Period));
    }

    [Fact]
    public async Task A_rejected_reservation_registers_no_reminder()
    {
        var host = await HostWithStockAsync(1);

        var result = await host.InvokeAsync(a => a.Reserve(new ReserveStock("ord-1", 2)));

        Assert.False(result.Accepted);
        Assert.Empty(host.Reminders);
    }

    [Fact]
    public async Task The_expiry_reminder_gives_the_stock_back_and_is_saved()
    {
        var host = await HostWithStockAsync(5);
        await host.InvokeAsync(a => a.Reserve(new ReserveStock("ord-1", 2)));

        await host.FireReminderAsync("expire-ord-1");
        await host.DeactivateAsync();

        Assert.Equal(new StockLevel("SKU-1", 5, 0), await host.InvokeAsync(a => a.GetStock()));
        Assert.Equal(StockHoldStatus.Expired, host.GetSavedState<StockLedger>("ledger")!.Holds["ord-1"].Status);
        Assert.Empty(host.Reminders);
        var confirm = await host.InvokeAsync(a => a.Confirm(new StockOrderRef("ord-1")));
        Assert.Equal("reservation expired", confirm.Reason);
    }

    [Fact]
    public async Task Confirming_unregisters_the_expiry_reminder()
    {
        var host = await HostWithStockAsync(5);
        await host.InvokeAsync(a => a.Reserve(new ReserveStock("ord-1", 2)));

        var result = await host.InvokeAsync(a => a.Confirm(new StockOrderRef("ord-1")));

        Assert.Equal(new StockOperationResult("ord-1", "SKU-1", true, null, 3, 0), result);
        Assert.Empty(host.Reminders);
    }

    [Fact]
    public async Task Releasing_unregisters_the_expiry_reminder_and_returns_the_stock()
    {
        var host = await HostWithStockAsync(5);
        await host.InvokeAsync(a => a.Reserve(new ReserveStock("ord-1", 2)));

        var result = await host.InvokeAsync(a => a.Release(new StockOrderRef("ord-1")));

        Assert.Equal(new StockOperationResult("ord-1", "SKU-1", true, null, 5, 0), result);
        Assert.Empty(host.Reminders);
    }

    [Fact]
    public async Task Repeats_change_no_state()
    {
        var host = await HostWithStockAsync(5);
        await host.InvokeAsync(a => a.Reserve(new ReserveStock("ord-1", 2)));
        var transactions = host.StateTransactions.Count;

        await host.InvokeAsync(a => a.Reserve(new ReserveStock("ord-1", 2)));
        var receipt = await host.InvokeAsync(a => a.AddStock(new StockReceipt("rcpt-1", 5)));
        await host.InvokeAsync(a => a.GetStock());

        Assert.Equal(new StockReceiptResult("rcpt-1", "SKU-1", false, 3), receipt);
        Assert.Equal(transactions, host.StateTransactions.Count);
    }

    [Fact]
    public async Task The_ledger_lives_under_one_state_key()
    {
        var host = await HostWithStockAsync(5);
        await host.InvokeAsync(a => a.Reserve(new ReserveStock("ord-1", 2)));

        Assert.Equal(["ledger"], host.SavedState.Keys);
        Assert.Equal(3, host.GetSavedState<StockLedger>("ledger")!.Available);
    }
}
