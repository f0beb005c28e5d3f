using Sidecart.Ordering.Model;

namespace Sidecart.Ordering.Tests;

public sealed class OrderRulesTests
{
    [Fact]
    public void A_complete_request_is_valid_and_trimmed()
    {
        var errors = OrderRules.Validate("key-1", new PlaceOrderRequest(" cust-1 ", [new PlaceOrderLine("HEADLAMP-400", 2), new PlaceOrderLine("BOTTLE-750", 1)]), out var order);

        Assert.Empty(errors);
        Assert.Equal("cust-1", order!.CustomerId);
        Assert.Equal([new OrderLine("HEADLAMP-400", 2), new OrderLine("BOTTLE-750", 1)], order.Lines);
    }

    [Fact]
    public void A_missing_idempotency_key_is_named_by_its_header()
    {
        var errors = OrderRules.Validate(null, new PlaceOrderRequest("cust-1", [new PlaceOrderLine("HEADLAMP-400", 1)]), out var order);

        Assert.Equal(["Idempotency-Key"], errors.Keys);
        Assert.Null(order);
    }

    [Fact]
    public void Every_invalid_field_is_named()
    {
        var errors = OrderRules.Validate("key-1", new PlaceOrderRequest("", [new PlaceOrderLine("", 1), new PlaceOrderLine("BOTTLE-750", 0), null]), out var order);

        Assert.Equal(
            ["customerId", "items[0].sku", "items[1].quantity", "items[2].quantity", "items[2].sku"],
            errors.Keys.Order(StringComparer.Ordinal));
        Assert.Null(order);
    }

    [Fact]
    public void An_order_needs_items()
    {
        Assert.Equal(["customerId", "items"], OrderRules.Validate("k", null, out _).Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["items"], OrderRules.Validate("k", new PlaceOrderRequest("c", []), out _).Keys);
    }

    [Fact]
    public void A_sku_may_appear_only_once()
    {
        var errors = OrderRules.Validate("k", new PlaceOrderRequest("c", [new PlaceOrderLine("A-1", 1), new PlaceOrderLine("A-1", 2)]), out _);

        Assert.Equal(["items[1].sku"], errors.Keys);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(OrderRules.MaxQuantity, true)]
    [InlineData(0, false)]
    [InlineData(-3, false)]
    [InlineData(OrderRules.MaxQuantity + 1, false)]
    public void Quantities_are_bounded(int quantity, bool valid)
    {
        var errors = OrderRules.Validate("k", new PlaceOrderRequest("c", [new PlaceOrderLine("A-1", quantity)]), out _);

        Assert.Equal(valid, errors.Count == 0);
    }
}
