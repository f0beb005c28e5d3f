using System.Text.Json.Serialization;

namespace Sidecart.Inventory.Model;

/// <summary>
/// The stock of one SKU and the rules that move it: reservations hold stock for an order, confirmation takes it for
/// good, release or expiry gives it back, receipts add to it. Every operation is idempotent by its business key
/// (order id, receipt id), so at-least-once callers can repeat themselves safely. The Sku actor owns one ledger and
/// runs one operation at a time, which is what rules out overselling.
/// </summary>
/// <remarks>
/// Memory is bounded so the actor's single state value stays small: open reservations are always kept (they hold
/// stock), but only the <see cref="RememberedSettledOrders"/> most recently settled orders (confirmed, released,
/// expired or rejected) and the <see cref="RememberedReceipts"/> most recent receipts are remembered. Repeats arrive
/// within seconds or minutes (retries, redeliveries), long before a thousand newer settlements or receipts for the
/// same SKU push them out. Opening-balance receipts (<see cref="OpeningReceiptPrefix"/>) are replayed at every start of
/// the service, so they are never forgotten; there is one per SKU.
/// </remarks>
public sealed class StockLedger
{
    public const int RememberedSettledOrders = 1000;
    public const int RememberedReceipts = 1000;
    public const string OpeningReceiptPrefix = "initial-";

    public int Available { get; set; }

    public Dictionary<string, StockHold> Holds { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Orders whose hold is settled, oldest first: the first to be forgotten.</summary>
    public List<string> SettledOrders { get; set; } = [];

    /// <summary>Applied receipt ids, oldest first.</summary>
    public List<string> Receipts { get; set; } = [];

    public List<string> OpeningReceipts { get; set; } = [];

    [JsonIgnore]
    public int Reserved => Holds.Values.Where(h => h.Status == StockHoldStatus.Reserved).Sum(h => h.Quantity);

    public StockDecision Reserve(string orderId, int quantity)
    {
        ArgumentException.ThrowIfNullOrEmpty(orderId);
        ArgumentOutOfRangeException.ThrowIfLessThan(quantity, 1);
        if (Holds.TryGetValue(orderId, out var first))
        {
            return StockDecision.Repeated(first.Status != StockHoldStatus.Rejected, first.Reason);
        }

        if (quantity > Available)
        {
            var reason = $"insufficient stock: requested {quantity}, available {Available}";
            Holds[orderId] = new StockHold(quantity, StockHoldStatus.Rejected, reason);
            Settle(orderId);
            return new StockDecision(false, reason, Changed: true);
        }

        Available -= quantity;
        Holds[orderId] = new StockHold(quantity, StockHoldStatus.Reserved);
        return StockDecision.Applied();
    }

    public StockDecision Confirm(string orderId)
    {
        ArgumentException.ThrowIfNullOrEmpty(orderId);
        if (!Holds.TryGetValue(orderId, out var hold))
        {
            return StockDecision.Repeated(false, "no reservation for this order");
        }

        switch (hold.Status)
        {
            case StockHoldStatus.Reserved:
                Holds[orderId] = hold with { Status = StockHoldStatus.Confirmed };
                Settle(orderId);
                return StockDecision.Applied();
            case StockHoldStatus.Confirmed:
                return StockDecision.Repeated(true);
            case StockHoldStatus.Released:
                return StockDecision.Repeated(false, "reservation was released");
            case StockHoldStatus.Expired:
                return StockDecision.Repeated(false, "reservation expired");
            default:
                return StockDecision.Repeated(false, $"reservation was rejected: {hold.Reason}");
        }
    }

    /// <summary>Gives a reservation back. Anything that holds nothing is accepted, so compensation is always safe; only a
    /// confirmed order, whose stock is gone, is refused.</summary>
    public StockDecision Release(string orderId)
    {
        ArgumentException.ThrowIfNullOrEmpty(orderId);
        if (!Holds.TryGetValue(orderId, out var hold))
        {
            return StockDecision.Repeated(true);
        }

        return hold.Status switch
        {
            StockHoldStatus.Reserved => GiveBack(orderId, hold, StockHoldStatus.Released),
            StockHoldStatus.Confirmed => StockDecision.Repeated(false, "already confirmed"),
            _ => StockDecision.Repeated(true),
        };
    }

    /// <summary>Ends a reservation that was neither confirmed nor released in time; true when stock went back.</summary>
    public bool Expire(string orderId) =>
        Holds.TryGetValue(orderId, out var hold) && hold.Status == StockHoldStatus.Reserved && GiveBack(orderId, hold, StockHoldStatus.Expired).Changed;

    /// <summary>Adds received stock once per receipt; false for a receipt already applied.</summary>
    public bool AddStock(string receiptId, int quantity)
    {
        ArgumentException.ThrowIfNullOrEmpty(receiptId);
        ArgumentOutOfRangeException.ThrowIfLessThan(quantity, 1);
        var opening = receiptId.StartsWith(OpeningReceiptPrefix, StringComparison.Ordinal);
        if ((opening ? OpeningReceipts : Receipts).Contains(receiptId))
        {
            return false;
        }

        Available = checked(Available + quantity);
        if (opening)
        {
            OpeningReceipts.Add(receiptId);
        }
        else
        {
            Remember(Receipts, receiptId, RememberedReceipts);
        }

        return true;
    }

    private StockDecision GiveBack(string orderId, StockHold hold, StockHoldStatus status)
    {
        Available = checked(Available + hold.Quantity);
        Holds[orderId] = hold with { Status = status };
        Settle(orderId);
        return StockDecision.Applied();
    }

    private void Settle(string orderId)
    {
        var forgotten = Remember(SettledOrders, orderId, RememberedSettledOrders);
        if (forgotten is not null)
        {
            Holds.Remove(forgotten);
        }
    }

    private static string? Remember(List<string> ids, string id, int limit)
    {
        ids.Add(id);
        if (ids.Count <= limit)
        {
            return null;
        }

        var oldest = ids[0];
        ids.RemoveAt(0);
        return oldest;
    }
}
