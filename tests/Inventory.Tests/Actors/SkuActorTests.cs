using System.Text.Json;
using System.Text.Json.Nodes;
using Sidecart.Inventory.Actors;
using Sidecart.Inventory.Model;

namespace Sidecart.Inventory.Tests.Actors;

public sealed class SkuActorTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(7);

    private static async Task<SkuActorHarness> ActorWithStockAsync(int quantity)
    {
        var actor = new SkuActorHarness("SKU-1", Timeout);
        await actor.InvokeAsync(a => a.AddStock(new StockReceipt("rcpt-1", quantity)));
        return actor;
    }

    private static StockLedger SavedLedger(SkuActorHarness actor) => actor.State.Saved["ledger"].Deserialize<StockLedger>(InventoryJson.Options)!;

    [Fact]
    public async Task A_reservation_registers_a_one_shot_expiry_reminder_for_the_configured_timeout()
    {
        var actor = await ActorWithStockAsync(5);

        var result = await actor.InvokeAsync(a => a.Reserve(new ReserveStock("ord-1", 2)));

        Assert.Equal(new StockOperationResult("ord-1", "SKU-1", true, null, 3, 2), result);
        var reminder = actor.Reminders["expire-ord-1"];
        Assert.Equal(Timeout, reminder.DueTime);
        Assert.Equal(System.Threading.Timeout.InfiniteTimeSpan, reminder.Period);
        Assert.Equal("Sku", reminder.ActorType);
        Assert.Equal("SKU-1", reminder.ActorId.GetId());
    }

    [Fact]
    public async Task A_reservation_beyond_stock_is_refused_and_registers_no_reminder()
    {
        var actor = await ActorWithStockAsync(1);

        var result = await actor.InvokeAsync(a => a.Reserve(new ReserveStock("ord-1", 2)));

        Assert.Equal(new StockOperationResult("ord-1", "SKU-1", false, "insufficient stock: requested 2, available 1", 1, 0), result);
        Assert.Empty(actor.Reminders);
    }

    [Fact]
    public async Task The_expiry_reminder_gives_the_stock_back_and_is_saved()
    {
        var actor = await ActorWithStockAsync(5);
        await actor.InvokeAsync(a => a.Reserve(new ReserveStock("ord-1", 2)));

        await actor.FireReminderAsync("expire-ord-1");
        actor.Deactivate();

        Assert.Equal(new StockLevel("SKU-1", 5, 0), await actor.InvokeAsync(a => a.GetStock()));
        Assert.Equal(StockHoldStatus.Expired, SavedLedger(actor).Holds["ord-1"].Status);
        Assert.Empty(actor.Reminders);
        var confirm = await actor.InvokeAsync(a => a.Confirm(new StockOrderRef("ord-1")));
        Assert.Equal(new StockOperationResult("ord-1", "SKU-1", false, "reservation expired", 5, 0), confirm);
    }

    [Fact]
    public async Task Confirming_takes_the_stock_and_unregisters_the_expiry_reminder()
    {
        var actor = await ActorWithStockAsync(5);
        await actor.InvokeAsync(a => a.Reserve(new ReserveStock("ord-1", 2)));

        var result = await actor.InvokeAsync(a => a.Confirm(new StockOrderRef("ord-1")));
        var again = await actor.InvokeAsync(a => a.Confirm(new StockOrderRef("ord-1")));

        Assert.Equal(new StockOperationResult("ord-1", "SKU-1", true, null, 3, 0), result);
        Assert.Equal(result, again);
        Assert.Empty(actor.Reminders);
    }

    [Fact]
    public async Task Releasing_unregisters_the_expiry_reminder_and_returns_the_stock()
    {
        var actor = await ActorWithStockAsync(5);
        await actor.InvokeAsync(a => a.Reserve(new ReserveStock("ord-1", 2)));

        var result = await actor.InvokeAsync(a => a.Release(new StockOrderRef("ord-1")));

        Assert.Equal(new StockOperationResult("ord-1", "SKU-1", true, null, 5, 0), result);
        Assert.Empty(actor.Reminders);
    }

    [Fact]
    public async Task Repeats_change_no_state()
    {
        var actor = await ActorWithStockAsync(5);
        await actor.InvokeAsync(a => a.Reserve(new ReserveStock("ord-1", 2)));
        var transactions = actor.State.Transactions.Count;

        var reserved = await actor.InvokeAsync(a => a.Reserve(new ReserveStock("ord-1", 2)));
        var receipt = await actor.InvokeAsync(a => a.AddStock(new StockReceipt("rcpt-1", 5)));
        await actor.InvokeAsync(a => a.GetStock());

        Assert.Equal(new StockOperationResult("ord-1", "SKU-1", true, null, 3, 2), reserved);
        Assert.Equal(new StockReceiptResult("rcpt-1", "SKU-1", false, 3), receipt);
        Assert.Equal(transactions, actor.State.Transactions.Count);
    }

    [Fact]
    public async Task A_refused_argument_fails_the_turn_and_saves_nothing()
    {
        var actor = await ActorWithStockAsync(5);
        var transactions = actor.State.Transactions.Count;

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => actor.InvokeAsync(a => a.Reserve(new ReserveStock("ord-1", 0))));

        Assert.Equal(transactions, actor.State.Transactions.Count);
        Assert.Equal(new StockLevel("SKU-1", 5, 0), await actor.InvokeAsync(a => a.GetStock()));
    }

    [Fact]
    public async Task The_ledger_lives_under_one_state_key_in_the_json_shape_it_always_had()
    {
        var actor = await ActorWithStockAsync(5);
        await actor.InvokeAsync(a => a.Reserve(new ReserveStock("ord-1", 2)));
        await actor.InvokeAsync(a => a.Reserve(new ReserveStock("ord-2", 9)));

        Assert.Equal(["ledger"], actor.State.Saved.Keys);
        var expected = JsonNode.Parse("""
            {"available":3,
             "holds":{"ord-1":{"quantity":2,"status":"Reserved","reason":null},
                      "ord-2":{"quantity":9,"status":"Rejected","reason":"insufficient stock: requested 9, available 3"}},
             "settledOrders":["ord-2"],"receipts":["rcpt-1"],"openingReceipts":[]}
            """);
        Assert.True(JsonNode.DeepEquals(expected, actor.State.Saved["ledger"]), actor.State.Saved["ledger"].ToJsonString());
    }

    [Fact]
    public async Task A_ledger_saved_by_the_hand_written_actor_host_reads_the_same()
    {
        var actor = new SkuActorHarness("SKU-1", Timeout);
        actor.State.Seed("ledger", """
            {"available":20,"holds":{"ord-1":{"quantity":3,"status":"Reserved","reason":null},"ord-0":{"quantity":2,"status":"Confirmed","reason":null}},
             "settledOrders":["ord-0"],"receipts":[],"openingReceipts":["initial-SKU-1"]}
            """);

        var stock = await actor.InvokeAsync(a => a.GetStock());
        var confirmed = await actor.InvokeAsync(a => a.Confirm(new StockOrderRef("ord-1")));
        var seededAgain = await actor.InvokeAsync(a => a.AddStock(new StockReceipt("initial-SKU-1", 25)));

        Assert.Equal(new StockLevel("SKU-1", 20, 3), stock);
        Assert.Equal(new StockOperationResult("ord-1", "SKU-1", true, null, 20, 0), confirmed);
        Assert.False(seededAgain.Applied);
    }
}
