namespace Sidecart.Ordering.Model;

public sealed record ValidOrderRequest(string CustomerId, IReadOnlyList<OrderLine> Lines);
