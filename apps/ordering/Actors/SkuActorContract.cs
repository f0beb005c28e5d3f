namespace Sidecart.Ordering.Actors;

// Inventory's Sku actor methods as JSON bodies (camelCase): Reserve takes a SkuReserveRequest, Confirm and Release a
// SkuOrderRequest; each answers a SkuReservationResult.

public sealed record SkuReserveRequest(string OrderId, int Quantity);

public sealed record SkuOrderRequest(string OrderId);

public sealed record SkuReservationResult(string OrderId, string Sku, bool Accepted, string? Reason, int Available, int Reserved);
