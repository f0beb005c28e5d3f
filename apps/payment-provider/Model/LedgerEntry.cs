namespace Sidecart.PaymentProvider.Model;

/// <summary>One authorization in the provider's books, as <c>GET /admin/authorizations</c> lists it: what was charged
/// (or declined) for which reference, and the refund that gave it back, if any.</summary>
public sealed record LedgerEntry(string Id, string Reference, string CustomerId, decimal Amount, string Currency, string Status, string? RefundId);
