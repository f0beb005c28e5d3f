namespace Sidecart.Inventory.Actors;

public sealed record StockReceipt(string ReceiptId, int Quantity);
