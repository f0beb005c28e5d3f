namespace Sidecart.Inventory.Model;

/// <summary>One line of the seed file: the units a SKU starts with.</summary>
public sealed record OpeningStock(string Sku, int Quantity)
{
    /// <summary>The same for every start of the service, so the opening balance is applied once.</summary>
    public string ReceiptId => StockLedger.OpeningReceiptPrefix + Sku;
}
