namespace Sidecart.Inventory.Model;

/// <summary>What one order asked of a SKU and where that request stands; <see cref="Reason"/> says why a reservation was rejected.</summary>
public sealed record StockHold(int Quantity, StockHoldStatus Status, string? Reason = null);
