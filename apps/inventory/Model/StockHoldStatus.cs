namespace Sidecart.Inventory.Model;

public enum StockHoldStatus
{
    /// <summary>The order asked for more than was available; nothing was taken.</summary>
    Rejected,

    /// <summary>Held for the order until it confirms, releases, or the hold expires.</summary>
    Reserved,

    /// <summary>The order took the stock for good.</summary>
    Confirmed,

    /// <summary>The order gave the stock back.</summary>
    Released,

    /// <summary>The order neither confirmed nor released in time; the stock went back.</summary>
    Expired,
}
