namespace Sidecart.Ordering.Model;

/// <summary>The body of <c>POST /orders</c> as the client sent it; everything is optional here so that
/// <see cref="OrderRules"/> can name each missing field instead of the binder failing as a whole.</summary>
public sealed record PlaceOrderRequest(string? CustomerId, IReadOnlyList<PlaceOrderLine?>? Items);

public sealed record PlaceOrderLine(string? Sku, int? Quantity);
