using Sidecart.Payments.Infrastructure;
using Sidecart.Payments.Model;

namespace Sidecart.Payments.Services;

/// <summary>
/// Authorize and refund, idempotent per order id. The record is stored as pending (first write wins) before the
/// provider is called, and its outcome is stored against the ETag read, so concurrent or repeated calls for one
/// order all use one provider idempotency key and all end with the one stored answer. Every decision is taken on a
/// record just read, never on how a write failed (see <see cref="PaymentStore"/>), so it holds on every state store.
/// </summary>
public sealed class PaymentService(PaymentStore store, PaymentProviderClient provider, TimeProvider time, ILogger<PaymentService> logger)
{
    // Each lost race means another caller made progress on this order, so a handful of rounds always suffices.
    private const int MaxRounds = 8;

    /// <summary>Returns the order's payment record once it has an outcome. When the order already has a payment
    /// for different details, that record is returned untouched: check <see cref="PaymentRecord.IsFor"/>.</summary>
    public async Task<PaymentRecord> AuthorizeAsync(PaymentRequest request, CancellationToken cancellationToken)
    {
        for (var round = 0; round < MaxRounds; round++)
        {
            // Whoever stores the pending record first decides the idempotency key; the others get that record back.
            var (record, etag) = await store.GetAsync(request.OrderId, cancellationToken)
                ?? await store.GetOrAddAsync(PaymentRecord.Start(request, NewIdempotencyKey(), time.GetUtcNow()), cancellationToken);
            if (!record.IsFor(request) || record.Status != PaymentStatus.Pending)
            {
                return record;
            }

            var completed = await CompleteAuthorizationAsync(record, cancellationToken);
            if (await store.TryReplaceAsync(completed, etag, cancellationToken))
            {
                return completed;
            }
        }

        throw new InvalidOperationException($"The payment of order '{request.OrderId}' kept changing while it was being authorized.");
    }

    public async Task<RefundResponse> RefundAsync(string orderId, CancellationToken cancellationToken)
    {
        for (var round = 0; round < MaxRounds; round++)
        {
            var stored = await store.GetAsync(orderId, cancellationToken);
            if (stored is null)
            {
                return PaymentRecord.NothingToRefund(orderId);
            }

            var (record, etag) = stored;
            var next = record.Status switch
            {
                // An authorization that never got its answer stored may still have charged the customer (the provider
                // can process a call whose answer timed out). Replaying it with its key learns the outcome without a
                // second charge; if the provider never saw it, it charges now and the refund follows.
                PaymentStatus.Pending => await CompleteAuthorizationAsync(record, cancellationToken),
                PaymentStatus.Authorized => await RefundAuthorizedAsync(record, cancellationToken),
                _ => null,
            };
            if (next is null)
            {
                return record.ToRefundResponse();
            }

            if (await store.TryReplaceAsync(next, etag, cancellationToken) && next.Status == PaymentStatus.Refunded)
            {
                return next.ToRefundResponse();
            }
        }

        throw new InvalidOperationException($"The payment of order '{orderId}' kept changing while it was being refunded.");
    }

    private async Task<PaymentRecord> CompleteAuthorizationAsync(PaymentRecord pending, CancellationToken cancellationToken)
    {
        var authorization = await provider.AuthorizeAsync(pending, cancellationToken);
        if (authorization.IsApproved)
        {
            logger.LogInformation("Payment of order {OrderId} authorized as {AuthorizationId}", pending.OrderId, authorization.Id);
            return pending.Authorize(authorization.Id, time.GetUtcNow());
        }

        var reason = string.IsNullOrEmpty(authorization.DeclineReason) ? "declined" : authorization.DeclineReason;
        logger.LogInformation("Payment of order {OrderId} declined: {DeclineReason}", pending.OrderId, reason);
        Infrastructure.PaymentMetrics.Declined();
        return pending.Decline(reason, time.GetUtcNow());
    }

    private async Task<PaymentRecord> RefundAuthorizedAsync(PaymentRecord authorized, CancellationToken cancellationToken)
    {
        var refund = await provider.RefundAsync(authorized, cancellationToken);
        logger.LogInformation("Payment of order {OrderId} refunded as {RefundId}", authorized.OrderId, refund.Id);
        return authorized.Refund(refund.Id, time.GetUtcNow());
    }

    private static string NewIdempotencyKey() => $"pay_{Guid.NewGuid():N}";
}
