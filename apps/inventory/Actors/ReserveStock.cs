namespace Sidecart.Inventory.Actors;

public sealed record ReserveStock(string OrderId, int Quantity);
