namespace Sidecart.Inventory.Actors;

/// <summary>The answer to a reserve, confirm or release: whether it was accepted, why not, and the SKU's stock after it.</summary>
public sealed record StockOperationResult(string OrderId, string Sku, bool Accepted, string? Reason, int Available, int Reserved);
