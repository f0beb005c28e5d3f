namespace Sidecart.Ordering.Model;

/// <summary>An order as <c>GET /orders/{id}</c> shows it. <see cref="Currency"/> is null until the order is priced.</summary>
public sealed record Order(
    string OrderId,
    string CustomerId,
    OrderStatus Status,
    IReadOnlyList<OrderLine> Items,
    decimal Total,
    string? Currency,
    string? Reason)
{
    public static Order Place(string orderId, string customerId, IReadOnlyList<OrderLine> items) =>
        new(orderId, customerId, OrderStatus.Pending, items, 0m, null, null);

    public Order Priced(OrderPrice price) => Status == OrderStatus.Pending
        ? this with { Total = price.Total, Currency = price.Currency }
        : throw new InvalidOperationException($"Order {OrderId} is {Status}; only a pending order is priced.");

    public Order MoveTo(OrderStatus status, string? reason = null) => OrderStatusMachine.CanMove(Status, status)
        ? this with { Status = status, Reason = reason }
        : throw new InvalidOperationException($"Order {OrderId} cannot move from {Status} to {status}.");

    /// <summary>Whether this order is a step forward from <paramref name="stored"/>: a new order, a later status, or the
    /// same pending order now priced. Writes that are not (a repeated or late write) must leave the stored one alone.</summary>
    public bool Supersedes(Order? stored) =>
        stored is null
        || OrderStatusMachine.CanMove(stored.Status, Status)
        || (stored.Status == Status && stored.Currency is null && Currency is not null);
}
