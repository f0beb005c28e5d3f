using Sidecart.Ordering.Model;

namespace Sidecart.Ordering.Tests;

public sealed class OrderStatusMachineTests
{
    [Theory]
    [InlineData(OrderStatus.Pending, OrderStatus.Confirmed)]
    [InlineData(OrderStatus.Pending, OrderStatus.Rejected)]
    [InlineData(OrderStatus.Pending, OrderStatus.Cancelled)]
    [InlineData(OrderStatus.Confirmed, OrderStatus.Shipped)]
    public void Allowed_moves(OrderStatus from, OrderStatus to) => Assert.True(OrderStatusMachine.CanMove(from, to));

    [Theory]
    [InlineData(OrderStatus.Pending, OrderStatus.Shipped)]
    [InlineData(OrderStatus.Pending, OrderStatus.Pending)]
    [InlineData(OrderStatus.Rejected, OrderStatus.Confirmed)]
    [InlineData(OrderStatus.Cancelled, OrderStatus.Shipped)]
    [InlineData(OrderStatus.Shipped, OrderStatus.Cancelled)]
    [InlineData(OrderStatus.Confirmed, OrderStatus.Rejected)]
    public void Refused_moves(OrderStatus from, OrderStatus to) => Assert.False(OrderStatusMachine.CanMove(from, to));

    [Fact]
    public void An_order_moves_with_its_reason_and_refuses_a_forbidden_move()
    {
        var order = Order.Place("ord-1", "cust-1", [new OrderLine("A-1", 1)]);

        var cancelled = order.MoveTo(OrderStatus.Cancelled, "declined");

        Assert.Equal(OrderStatus.Cancelled, cancelled.Status);
        Assert.Equal("declined", cancelled.Reason);
        Assert.Throws<InvalidOperationException>(() => cancelled.MoveTo(OrderStatus.Confirmed));
    }

    [Fact]
    public void Only_a_pending_order_is_priced()
    {
        var order = Order.Place("ord-1", "cust-1", [new OrderLine("A-1", 1)]).Priced(new OrderPrice(10m, "EUR"));

        Assert.Equal((10m, "EUR"), (order.Total, order.Currency));
        Assert.Throws<InvalidOperationException>(() => order.MoveTo(OrderStatus.Confirmed).Priced(new OrderPrice(1m, "EUR")));
    }
}
