namespace Sidecart.Payments.Model;

/// <summary>
/// The one payment of an order, stored under its order id. It is written as <see cref="PaymentStatus.Pending"/>
/// with the provider idempotency key before the provider is called, so every attempt for the order, a retry after a
/// crash or a concurrent duplicate, reuses that key and the provider charges at most once.
/// </summary>
public sealed record PaymentRecord(
    string OrderId,
    string CustomerId,
    decimal Amount,
    string Currency,
    PaymentStatus Status,
    string IdempotencyKey,
    string? AuthorizationId,
    string? DeclineReason,
    string? RefundId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static PaymentRecord Start(PaymentRequest request, string idempotencyKey, DateTimeOffset now) =>
        new(request.OrderId, request.CustomerId, request.Amount, request.Currency, PaymentStatus.Pending, idempotencyKey,
            AuthorizationId: null, DeclineReason: null, RefundId: null, now, now);

    /// <summary>The provider idempotency key of this payment's refund, derived so that a repeated refund reuses it.</summary>
    public string RefundIdempotencyKey => $"{IdempotencyKey}-refund";

    /// <summary>True when <paramref name="request"/> asks for this same payment (a repeat), false when it asks to
    /// charge the order differently, which would make "same order id, same answer" a lie.</summary>
    public bool IsFor(PaymentRequest request) =>
        request.OrderId == OrderId && request.CustomerId == CustomerId && request.Amount == Amount && request.Currency == Currency;

    public PaymentRecord Authorize(string authorizationId, DateTimeOffset now) =>
        Status == PaymentStatus.Pending
            ? this with { Status = PaymentStatus.Authorized, AuthorizationId = authorizationId, UpdatedAt = now }
            : throw InvalidTransition(PaymentStatus.Authorized);

    public PaymentRecord Decline(string reason, DateTimeOffset now) =>
        Status == PaymentStatus.Pending
            ? this with { Status = PaymentStatus.Declined, DeclineReason = reason, UpdatedAt = now }
            : throw InvalidTransition(PaymentStatus.Declined);

    public PaymentRecord Refund(string refundId, DateTimeOffset now) =>
        Status == PaymentStatus.Authorized
            ? this with { Status = PaymentStatus.Refunded, RefundId = refundId, UpdatedAt = now }
            : throw InvalidTransition(PaymentStatus.Refunded);

    /// <summary>What an authorize call answers for this record; a pending record has no answer yet.</summary>
    public AuthorizeResponse ToAuthorizeResponse() => Status switch
    {
        PaymentStatus.Authorized => new(OrderId, AuthorizeStatus.Authorized, AuthorizationId),
        PaymentStatus.Declined => new(OrderId, AuthorizeStatus.Declined, Reason: DeclineReason),
        PaymentStatus.Refunded => new(OrderId, AuthorizeStatus.Refunded, AuthorizationId),
        _ => throw new InvalidOperationException($"The payment of order '{OrderId}' is still pending: it has no outcome to report."),
    };

    /// <summary>What a refund call answers once nothing is left to do: refunded, or declined (nothing was taken).</summary>
    public RefundResponse ToRefundResponse() => Status switch
    {
        PaymentStatus.Refunded => new(OrderId, RefundStatus.Refunded, RefundId),
        PaymentStatus.Declined => new(OrderId, RefundStatus.NotAuthorized, Reason: $"The payment was declined ({DeclineReason}), so nothing was taken."),
        _ => throw new InvalidOperationException($"The payment of order '{OrderId}' is {Status}: it still has to be refunded."),
    };

    public static RefundResponse NothingToRefund(string orderId) =>
        new(orderId, RefundStatus.NotAuthorized, Reason: "No payment was authorized for this order.");

    private InvalidOperationException InvalidTransition(PaymentStatus to) =>
        new($"The payment of order '{OrderId}' cannot go from {Status} to {to}.");
}
