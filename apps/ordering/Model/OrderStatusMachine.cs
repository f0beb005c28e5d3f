namespace Sidecart.Ordering.Model;

/// <summary>The order lifecycle: Pending ends in Confirmed, Rejected or Cancelled; only a Confirmed order ships.</summary>
public static class OrderStatusMachine
{
    public static bool CanMove(OrderStatus from, OrderStatus to) => (from, to) switch
    {
        (OrderStatus.Pending, OrderStatus.Confirmed or OrderStatus.Rejected or OrderStatus.Cancelled) => true,
        (OrderStatus.Confirmed, OrderStatus.Shipped) => true,
        _ => false,
    };

    public static bool IsFinal(OrderStatus status) => status is OrderStatus.Rejected or OrderStatus.Cancelled or OrderStatus.Shipped;
}
