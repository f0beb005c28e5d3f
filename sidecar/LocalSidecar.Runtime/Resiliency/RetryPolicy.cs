namespace LocalSidecar.Resiliency;

/// <summary>A Resiliency retry policy: constant or exponential backoff, <c>maxRetries</c> -1 meaning forever.</summary>
public sealed record RetryPolicy(string Name, bool Exponential, TimeSpan Duration, TimeSpan MaxInterval, int MaxRetries)
{
    /// <summary>The delay before retry number <paramref name="attempt"/> (1-based), as Dapr computes it:
    /// constant, or the previous interval times a random 0.5 to 1.5 times 1.5, capped at <see cref="MaxInterval"/>.</summary>
    public TimeSpan DelayBefore(int attempt, TimeSpan previous)
    {
        if (!Exponential)
        {
            return Duration;
        }

        var basis = attempt <= 1 ? TimeSpan.FromMilliseconds(500) : previous;
        var next = basis * (0.5 + Random.Shared.NextDouble()) * 1.5;
        return next > MaxInterval ? MaxInterval : next;
    }

    public bool AllowsAnotherAttempt(int retriesSoFar) => MaxRetries < 0 || retriesSoFar < MaxRetries;
}
