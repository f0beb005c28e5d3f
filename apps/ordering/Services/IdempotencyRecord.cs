namespace Sidecart.Ordering.Services;

/// <summary>Which order an <c>Idempotency-Key</c> placed.</summary>
public sealed record IdempotencyRecord(string OrderId);
