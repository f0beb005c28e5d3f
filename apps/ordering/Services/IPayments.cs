namespace Sidecart.Ordering.Services;

public interface IPayments
{
    /// <summary>Authorizes the order's amount; Declined is an answer, an unavailable provider throws
    /// <see cref="PaymentsUnavailableException"/>. Idempotent per order id.</summary>
    Task<PaymentResult> AuthorizeAsync(PaymentAuthorization authorization, CancellationToken cancellationToken);

    /// <summary>Refunds whatever the order was charged; returns once payments acknowledged it (refunded, or nothing
    /// was taken). An unavailable provider throws <see cref="PaymentsUnavailableException"/>. Idempotent per order id.</summary>
    Task RefundAsync(string orderId, CancellationToken cancellationToken);
}

public sealed record PaymentAuthorization(string OrderId, string CustomerId, decimal Amount, string Currency);

public sealed record PaymentRefund(string OrderId);

public sealed record PaymentResult(string OrderId, string Status, string? AuthorizationId = null, string? Reason = null)
{
    public const string Authorized = "Authorized";
    public const string Declined = "Declined";

    public bool IsAuthorized => Status == Authorized;
}
