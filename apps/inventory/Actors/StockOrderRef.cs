namespace Sidecart.Inventory.Actors;

public sealed record StockOrderRef(string OrderId);
