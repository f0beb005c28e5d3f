using Sidecart.Payments.Model;

namespace Sidecart.Payments.Tests;

public sealed class PaymentRulesTests
{
    [Fact]
    public void A_complete_request_makes_a_payment()
    {
        var errors = PaymentRules.Validate(new AuthorizeRequest("order-1", "customer-1", 119.90m, "EUR"), out var payment);
        Assert.Empty(errors);
        Assert.Equal(new PaymentRequest("order-1", "customer-1", 119.90m, "EUR"), payment);
    }

    [Theory]
    [InlineData(null, "c", 1.0, "EUR", "orderId")]
    [InlineData("", "c", 1.0, "EUR", "orderId")]
    [InlineData("order 1", "c", 1.0, "EUR", "orderId")]
    [InlineData("order/1", "c", 1.0, "EUR", "orderId")]
    [InlineData("o", null, 1.0, "EUR", "customerId")]
    [InlineData("o", "  ", 1.0, "EUR", "customerId")]
    [InlineData("o", "c", null, "EUR", "amount")]
    [InlineData("o", "c", 0.0, "EUR", "amount")]
    [InlineData("o", "c", -3.0, "EUR", "amount")]
    [InlineData("o", "c", 1.005, "EUR", "amount")]
    [InlineData("o", "c", 1000000.01, "EUR", "amount")]
    [InlineData("o", "c", 1.0, null, "currency")]
    [InlineData("o", "c", 1.0, "eur", "currency")]
    [InlineData("o", "c", 1.0, "EURO", "currency")]
    public void Each_bad_authorize_field_is_named(string? orderId, string? customerId, double? amount, string? currency, string field)
    {
        var errors = PaymentRules.Validate(new AuthorizeRequest(orderId, customerId, (decimal?)amount, currency), out var payment);
        Assert.Equal([field], errors.Keys);
        Assert.Null(payment);
    }

    [Fact]
    public void Ids_over_the_limit_are_rejected()
    {
        var tooLong = new string('x', PaymentRules.MaxIdLength + 1);
        var errors = PaymentRules.Validate(new AuthorizeRequest(tooLong, tooLong, 1m, "EUR"), out _);
        Assert.Equal(["customerId", "orderId"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_refund_needs_a_valid_order_id()
    {
        Assert.Equal(["orderId"], PaymentRules.Validate(new RefundRequest(null), out _).Keys);
        Assert.Equal(["orderId"], PaymentRules.Validate(new RefundRequest("a b"), out _).Keys);
        Assert.Empty(PaymentRules.Validate(new RefundRequest("order-7"), out var orderId));
        Assert.Equal("order-7", orderId);
    }
}
