namespace Sidecart.Ordering.Workflows;

/// <summary>One line of an order as a <c>Sku</c> actor call needs it.</summary>
public sealed record StockRequest(string OrderId, string Sku, int Quantity);
