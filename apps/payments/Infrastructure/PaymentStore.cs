using Sidecart.Dapr;
using Sidecart.Payments.Model;

namespace Sidecart.Payments.Infrastructure;

/// <summary>Payment records in the Dapr state store <c>statestore</c>, one key per order (<c>payment-{orderId}</c>).
/// Every write is conditional (first-write for a new record, the read ETag for a change), so two callers racing on
/// one order cannot both start a payment or overwrite each other's outcome.</summary>
public sealed class PaymentStore(DaprClient dapr)
{
    public const string StoreName = "statestore";

    public Task<StateEntry<PaymentRecord>> GetAsync(string orderId, CancellationToken cancellationToken) =>
        dapr.GetStateEntryAsync(StoreName, Key(orderId), PaymentsJsonContext.Default.PaymentRecord, StateConsistency.Strong, cancellationToken: cancellationToken);

    /// <summary>Stores a new record; false when the order already has one.</summary>
    public Task<bool> TryAddAsync(PaymentRecord record, CancellationToken cancellationToken) =>
        dapr.TrySaveStateAsync(StoreName, Key(record.OrderId), record, PaymentsJsonContext.Default.PaymentRecord, etag: null,
            new StateOptions(StateConcurrency.FirstWrite, StateConsistency.Strong), cancellationToken: cancellationToken);

    /// <summary>Replaces the record read with <paramref name="etag"/>; false when it changed since.</summary>
    public Task<bool> TryReplaceAsync(PaymentRecord record, string etag, CancellationToken cancellationToken) =>
        dapr.TrySaveStateAsync(StoreName, Key(record.OrderId), record, PaymentsJsonContext.Default.PaymentRecord, etag,
            new StateOptions(StateConcurrency.FirstWrite, StateConsistency.Strong), cancellationToken: cancellationToken);

    public static string Key(string orderId) => $"payment-{orderId}";
}
