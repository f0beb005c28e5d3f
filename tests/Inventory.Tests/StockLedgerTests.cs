using Sidecart.Inventory.Model;

namespace Sidecart.Inventory.Tests;

public sealed class StockLedgerTests
{
    private static StockLedger LedgerWith(int available)
    {
        var ledger = new StockLedger();
        ledger.AddStock("rcpt-opening", available);
        return ledger;
    }

    [Fact]
    public void A_reservation_within_stock_moves_units_from_available_to_reserved()
    {
        var ledger = LedgerWith(10);

        var decision = ledger.Reserve("ord-1", 3);

        Assert.Equal(StockDecision.Applied(), decision);
        Assert.Equal(7, ledger.Available);
        Assert.Equal(3, ledger.Reserved);
    }

    [Fact]
    public void A_reservation_beyond_stock_is_rejected_with_a_reason_and_takes_nothing()
    {
        var ledger = LedgerWith(2);

        var decision = ledger.Reserve("ord-1", 3);

        Assert.False(decision.Accepted);
        Assert.Equal("insufficient stock: requested 3, available 2", decision.Reason);
        Assert.Equal(2, ledger.Available);
        Assert.Equal(0, ledger.Reserved);
    }

    [Fact]
    public void A_repeated_reservation_answers_the_first_outcome_without_touching_stock()
    {
        var ledger = LedgerWith(5);
        ledger.Reserve("ord-ok", 2);
        ledger.Reserve("ord-no", 9);

        var again = ledger.Reserve("ord-ok", 2);
        var rejectedAgain = ledger.Reserve("ord-no", 1);

        Assert.Equal(new StockDecision(true, null, Changed: false), again);
        Assert.False(rejectedAgain.Accepted);
        Assert.False(rejectedAgain.Changed);
        Assert.StartsWith("insufficient stock", rejectedAgain.Reason, StringComparison.Ordinal);
        Assert.Equal(3, ledger.Available);
        Assert.Equal(2, ledger.Reserved);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Quantities_below_one_are_refused(int quantity)
    {
        var ledger = LedgerWith(5);

        Assert.Throws<ArgumentOutOfRangeException>(() => ledger.Reserve("ord-1", quantity));
        Assert.Throws<ArgumentOutOfRangeException>(() => ledger.AddStock("rcpt-1", quantity));
        Assert.Equal(5, ledger.Available);
    }

    [Fact]
    public void Confirming_takes_the_reservation_for_good_and_is_idempotent()
    {
        var ledger = LedgerWith(5);
        ledger.Reserve("ord-1", 2);

        var first = ledger.Confirm("ord-1");
        var second = ledger.Confirm("ord-1");

        Assert.Equal(StockDecision.Applied(), first);
        Assert.Equal(new StockDecision(true, null, Changed: false), second);
        Assert.Equal(3, ledger.Available);
        Assert.Equal(0, ledger.Reserved);
    }

    [Fact]
    public void Confirming_what_holds_nothing_is_refused_with_a_reason()
    {
        var ledger = LedgerWith(5);
        ledger.Reserve("ord-released", 1);
        ledger.Release("ord-released");
        ledger.Reserve("ord-expired", 1);
        ledger.Expire("ord-expired");
        ledger.Reserve("ord-rejected", 99);

        Assert.Equal("no reservation for this order", ledger.Confirm("ord-unknown").Reason);
        Assert.Equal("reservation was released", ledger.Confirm("ord-released").Reason);
        Assert.Equal("reservation expired", ledger.Confirm("ord-expired").Reason);
        Assert.StartsWith("reservation was rejected", ledger.Confirm("ord-rejected").Reason, StringComparison.Ordinal);
        Assert.All(new[] { "ord-unknown", "ord-released", "ord-expired", "ord-rejected" }, id => Assert.False(ledger.Confirm(id).Accepted));
        Assert.Equal(5, ledger.Available);
    }

    [Fact]
    public void Releasing_gives_the_stock_back_once()
    {
        var ledger = LedgerWith(5);
        ledger.Reserve("ord-1", 2);

        var first = ledger.Release("ord-1");
        var second = ledger.Release("ord-1");

        Assert.Equal(StockDecision.Applied(), first);
        Assert.Equal(new StockDecision(true, null, Changed: false), second);
        Assert.Equal(5, ledger.Available);
        Assert.Equal(0, ledger.Reserved);
    }

    [Fact]
    public void Releasing_an_unknown_order_is_accepted_so_compensation_is_always_safe()
    {
        var ledger = LedgerWith(5);

        Assert.Equal(new StockDecision(true, null, Changed: false), ledger.Release("ord-never-seen"));
        Assert.Equal(5, ledger.Available);
    }

    [Fact]
    public void Releasing_a_confirmed_order_is_refused_and_stock_stays_gone()
    {
        var ledger = LedgerWith(5);
        ledger.Reserve("ord-1", 2);
        ledger.Confirm("ord-1");

        var decision = ledger.Release("ord-1");

        Assert.Equal(new StockDecision(false, "already confirmed", Changed: false), decision);
        Assert.Equal(3, ledger.Available);
    }

    [Fact]
    public void Expiry_returns_an_open_reservation_and_nothing_else()
    {
        var ledger = LedgerWith(5);
        ledger.Reserve("ord-open", 2);
        ledger.Reserve("ord-confirmed", 1);
        ledger.Confirm("ord-confirmed");

        Assert.True(ledger.Expire("ord-open"));
        Assert.False(ledger.Expire("ord-open"));
        Assert.False(ledger.Expire("ord-confirmed"));
        Assert.False(ledger.Expire("ord-unknown"));
        Assert.Equal(4, ledger.Available);
        Assert.Equal(0, ledger.Reserved);
    }

    [Fact]
    public void A_receipt_is_applied_once()
    {
        var ledger = new StockLedger();

        Assert.True(ledger.AddStock("rcpt-1", 4));
        Assert.False(ledger.AddStock("rcpt-1", 4));
        Assert.True(ledger.AddStock("rcpt-2", 1));
        Assert.Equal(5, ledger.Available);
    }

    [Fact]
    public void Many_reservations_never_oversell_nor_drive_available_below_zero()
    {
        var ledger = LedgerWith(10);
        var random = new Random(42);

        var accepted = 0;
        for (var i = 0; i < 200; i++)
        {
            var quantity = random.Next(1, 4);
            if (ledger.Reserve($"ord-{i}", quantity).Accepted)
            {
                accepted += quantity;
            }

            Assert.True(ledger.Available >= 0);
        }

        Assert.Equal(10, accepted + ledger.Available);
        Assert.Equal(accepted, ledger.Reserved);
    }

    [Fact]
    public void Settled_orders_and_receipts_are_remembered_up_to_a_bound_while_open_reservations_are_kept()
    {
        var ledger = LedgerWith(StockLedger.RememberedSettledOrders + 10);
        ledger.Reserve("ord-open", 1);
        for (var i = 0; i <= StockLedger.RememberedSettledOrders; i++)
        {
            ledger.Reserve($"ord-{i}", 1);
            ledger.Release($"ord-{i}");
        }

        for (var i = 0; i <= StockLedger.RememberedReceipts; i++)
        {
            ledger.AddStock($"rcpt-{i}", 1);
        }

        Assert.Equal(StockLedger.RememberedSettledOrders, ledger.SettledOrders.Count);
        Assert.Equal(StockLedger.RememberedReceipts, ledger.Receipts.Count);
        Assert.DoesNotContain("ord-0", ledger.Holds.Keys);
        Assert.Equal(StockHoldStatus.Reserved, ledger.Holds["ord-open"].Status);
        Assert.True(ledger.Reserve("ord-0", 1).Changed);
    }

    [Fact]
    public void Opening_receipts_are_never_forgotten_so_a_restart_never_seeds_twice()
    {
        var ledger = new StockLedger();
        ledger.AddStock("initial-SKU-1", 25);
        for (var i = 0; i <= StockLedger.RememberedReceipts; i++)
        {
            ledger.AddStock($"rcpt-{i}", 1);
        }

        Assert.False(ledger.AddStock("initial-SKU-1", 25));
        Assert.Equal(25 + StockLedger.RememberedReceipts + 1, ledger.Available);
    }
}
