using System.Runtime.ExceptionServices;
using Dapr;
using Dapr.Client;
using Sidecart.Payments.Model;

namespace Sidecart.Payments.Infrastructure;

/// <summary>
/// Payment records in the Dapr state store <c>statestore</c>, one JSON document per order (<c>payment-{orderId}</c>).
/// Every write is conditional, so two callers racing on one order cannot both start a payment or overwrite each
/// other's outcome, and every write is judged by reading the record back rather than by the error it failed with.
/// </summary>
/// <remarks>
/// Why read back: stores report a lost race differently. A write without an ETag under first-write concurrency to a
/// key that exists fails on every store, but SQLite, MongoDB and the in-memory store answer an ETag mismatch (409,
/// gRPC Aborted) while Redis and PostgreSQL answer a plain store error (500 ERR_STATE_SAVE, gRPC Internal); and a write
/// whose answer was lost may have happened anyway. So after any failed write the record that is there decides:
/// another record means someone else got there first, the same record means the write really failed.
/// </remarks>
public sealed class PaymentStore(DaprClient dapr)
{
    public const string StoreName = "statestore";

    // Under first-write concurrency every store enforces a given ETag (state.redis ignores one under last-write) and
    // refuses a write without one to a key that already exists.
    private static readonly StateOptions Conditional = new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };

    // Without it, a value saved over gRPC is kept as opaque bytes (base64 in SQLite and PostgreSQL, a string in MongoDB)
    // instead of the JSON document the HTTP API, other readers and the records written before this client expect.
    private static readonly Dictionary<string, string> Json = new() { ["contentType"] = "application/json" };

    public async Task<StoredPayment?> GetAsync(string orderId, CancellationToken cancellationToken)
    {
        var (record, etag) = await dapr.GetStateAndETagAsync<PaymentRecord>(StoreName, Key(orderId), ConsistencyMode.Strong, cancellationToken: cancellationToken);
        if (record is null)
        {
            return null;
        }

        return string.IsNullOrEmpty(etag)
            ? throw new InvalidOperationException($"State store '{StoreName}' returned payment-{orderId} without an ETag: payments needs a store with ETag support.")
            : new StoredPayment(record, etag);
    }

    /// <summary>Stores <paramref name="candidate"/> unless its order already has a record, and returns the order's record
    /// as it is now: the candidate if this call created it, else the one that got there first.</summary>
    public async Task<StoredPayment> GetOrAddAsync(PaymentRecord candidate, CancellationToken cancellationToken)
    {
        ExceptionDispatchInfo? failure = null;
        try
        {
            await dapr.SaveStateAsync(StoreName, Key(candidate.OrderId), candidate, Conditional, Json, cancellationToken);
        }
        catch (DaprException e)
        {
            failure = ExceptionDispatchInfo.Capture(e);
        }

        var stored = await GetAsync(candidate.OrderId, cancellationToken);
        if (stored is null)
        {
            failure?.Throw();
            throw new InvalidOperationException($"The payment of order '{candidate.OrderId}' was saved but cannot be read back.");
        }

        return stored;
    }

    /// <summary>Replaces the record read with <paramref name="etag"/>; false when it changed since (the caller reads it
    /// again and decides).</summary>
    public async Task<bool> TryReplaceAsync(PaymentRecord record, string etag, CancellationToken cancellationToken)
    {
        try
        {
            return await dapr.TrySaveStateAsync(StoreName, Key(record.OrderId), record, etag, Conditional, Json, cancellationToken);
        }
        catch (DaprException)
        {
            var now = await GetAsync(record.OrderId, cancellationToken);
            if (now?.ETag == etag)
            {
                throw;
            }

            return false;
        }
    }

    public static string Key(string orderId) => $"payment-{orderId}";
}
