using Sidecart.Payments.Model;

namespace Sidecart.Payments.Tests;

public sealed class PaymentRecordTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
    private static readonly PaymentRequest Request = new("order-1", "customer-1", 42.50m, "EUR");

    private static PaymentRecord Pending() => PaymentRecord.Start(Request, "pay_key", Now);

    [Fact]
    public void A_started_payment_is_pending_with_its_idempotency_key_and_has_no_answer_yet()
    {
        var pending = Pending();
        Assert.Equal(PaymentStatus.Pending, pending.Status);
        Assert.Equal("pay_key", pending.IdempotencyKey);
        Assert.Throws<InvalidOperationException>(() => pending.ToAuthorizeResponse());
        Assert.Throws<InvalidOperationException>(() => pending.ToRefundResponse());
    }

    [Fact]
    public void An_authorized_payment_answers_authorized_with_its_authorization_id()
    {
        var authorized = Pending().Authorize("auth_1", Now.AddSeconds(1));
        Assert.Equal(new AuthorizeResponse("order-1", AuthorizeStatus.Authorized, "auth_1"), authorized.ToAuthorizeResponse());
        Assert.Equal(Now.AddSeconds(1), authorized.UpdatedAt);
    }

    [Fact]
    public void A_declined_payment_answers_declined_with_its_reason_and_has_nothing_to_refund()
    {
        var declined = Pending().Decline("card_declined", Now);
        Assert.Equal(new AuthorizeResponse("order-1", AuthorizeStatus.Declined, Reason: "card_declined"), declined.ToAuthorizeResponse());
        var refund = declined.ToRefundResponse();
        Assert.Equal(RefundStatus.NotAuthorized, refund.Status);
        Assert.Contains("card_declined", refund.Reason, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => declined.Refund("re_1", Now));
    }

    [Fact]
    public void Authorized_becomes_refunded_and_then_answers_both_calls_from_the_record()
    {
        var refunded = Pending().Authorize("auth_1", Now).Refund("re_1", Now);
        Assert.Equal(new RefundResponse("order-1", RefundStatus.Refunded, "re_1"), refunded.ToRefundResponse());
        Assert.Equal(new AuthorizeResponse("order-1", AuthorizeStatus.Refunded, "auth_1"), refunded.ToAuthorizeResponse());
    }

    [Fact]
    public void Outcomes_are_final()
    {
        var authorized = Pending().Authorize("auth_1", Now);
        Assert.Throws<InvalidOperationException>(() => authorized.Authorize("auth_2", Now));
        Assert.Throws<InvalidOperationException>(() => authorized.Decline("late", Now));
        Assert.Throws<InvalidOperationException>(() => authorized.Refund("re_1", Now).Refund("re_2", Now));
        Assert.Throws<InvalidOperationException>(() => Pending().Refund("re_1", Now));
        Assert.Throws<InvalidOperationException>(() => Pending().Decline("no", Now).Authorize("auth_1", Now));
    }

    [Fact]
    public void A_repeat_of_the_same_request_is_recognised_and_a_different_one_is_not()
    {
        var record = Pending().Authorize("auth_1", Now);
        Assert.True(record.IsFor(Request));
        Assert.False(record.IsFor(Request with { Amount = 43m }));
        Assert.False(record.IsFor(Request with { CustomerId = "customer-2" }));
        Assert.False(record.IsFor(Request with { Currency = "USD" }));
    }

    [Fact]
    public void The_refund_key_is_derived_from_the_payment_key_so_a_repeated_refund_reuses_it()
    {
        Assert.Equal(Pending().RefundIdempotencyKey, Pending().Authorize("auth_1", Now).RefundIdempotencyKey);
        Assert.NotEqual(Pending().IdempotencyKey, Pending().RefundIdempotencyKey);
    }

    [Fact]
    public void An_order_without_a_record_has_nothing_to_refund() =>
        Assert.Equal(RefundStatus.NotAuthorized, PaymentRecord.NothingToRefund("order-9").Status);
}
