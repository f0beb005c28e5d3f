namespace Sidecart.Inventory.Actors;

public sealed record StockLevel(string Sku, int Available, int Reserved);
