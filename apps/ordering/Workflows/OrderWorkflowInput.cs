using Sidecart.Ordering.Model;

namespace Sidecart.Ordering.Workflows;

/// <summary>What an order's workflow starts from (instance id = order id).</summary>
public sealed record OrderWorkflowInput(string OrderId, string CustomerId, IReadOnlyList<OrderLine> Lines, OrderWorkflowOptions Options)
{
    public Order PendingOrder => Order.Place(OrderId, CustomerId, Lines);
}
