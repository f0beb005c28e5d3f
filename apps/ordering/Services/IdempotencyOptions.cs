namespace Sidecart.Ordering.Services;

public sealed class IdempotencyOptions
{
    public const string Section = "Idempotency";

    /// <summary>How long an <c>Idempotency-Key</c> is remembered (state TTL); a retry after that places a new order.</summary>
    public TimeSpan KeyTimeToLive { get; set; } = TimeSpan.FromHours(24);
}
