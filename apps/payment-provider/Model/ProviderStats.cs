namespace Sidecart.PaymentProvider.Model;

/// <summary>What the provider has seen, for tests and demos (<c>GET /admin/stats</c>): every <c>/v1</c> request
/// (rejected ones included) with its idempotency key in arrival order, and how many charges, declines and refunds
/// were really made (replays of an idempotency key are not counted again).</summary>
public sealed record ProviderStats(int Requests, int Charges, int Declines, int Refunds, IReadOnlyList<string?> IdempotencyKeys);
