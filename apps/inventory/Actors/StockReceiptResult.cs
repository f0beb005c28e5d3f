namespace Sidecart.Inventory.Actors;

/// <summary><see cref="Applied"/> is false when the receipt had been applied before, and stock did not change.</summary>
public sealed record StockReceiptResult(string ReceiptId, string Sku, bool Applied, int Available);
