namespace Sidecart.Inventory.Events;

/// <summary>Published to topic <c>stock-received</c> by external producers (e.g. a warehouse) when stock arrives;
/// contract: <c>docs/schemas/stock-received.schema.json</c>.</summary>
public sealed record StockReceived(string Sku, int Quantity, string ReceiptId)
{
    public const string Topic = "stock-received";
    public const string SchemaFile = "stock-received.schema.json";
}
