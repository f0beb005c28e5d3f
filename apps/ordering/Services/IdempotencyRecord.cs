namespace Sidecart.Ordering.Services;

/// <summary>Which order an <c>Idempotency-Key</c> placed, and for which request (<see cref="Model.OrderRequestFingerprint"/>).
/// Records written before fingerprints existed have none, and match any request.</summary>
public sealed record IdempotencyRecord(string OrderId, string? RequestFingerprint);
