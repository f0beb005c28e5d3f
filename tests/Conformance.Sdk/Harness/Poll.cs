using Sidecart.Testing;

namespace Conformance.Sdk.Harness;

/// <summary>Waiting for asynchronous outcomes: poll with a deadline, never sleep a fixed time.</summary>
public static class Poll
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(25);

    /// <summary>Returns the first value read that satisfies <paramref name="done"/>; throws <see cref="TimeoutException"/>
    /// naming <paramref name="what"/> and the last value read once the deadline has passed.</summary>
    public static Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(read, done, what, timeout ?? DefaultTimeout, Interval);

    public static Task<T> UntilAsync<T>(Func<T> read, Func<T, bool> done, string what, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(read()), done, what, timeout);

    /// <summary>For what must not happen (a removed timer firing again): checks <paramref name="holds"/> throughout
    /// <paramref name="window"/>, which must be long enough for the unwanted event to have shown, and fails as soon as
    /// it does not hold.</summary>
    public static Task HoldsThroughoutAsync(Func<bool> holds, string what, TimeSpan window) =>
        HoldsThroughoutAsync(() => Task.FromResult(holds()), what, window);

    /// <summary>The same for a condition read asynchronously (from the sidecar rather than from memory).</summary>
    public static async Task HoldsThroughoutAsync(Func<Task<bool>> holds, string what, TimeSpan window)
    {
        var end = DateTime.UtcNow + window;
        do
        {
            Assert.True(await holds(), $"expected {what} throughout {window.TotalMilliseconds} ms");
            await Task.Delay(Interval);
        }
        while (DateTime.UtcNow < end);

        Assert.True(await holds(), $"expected {what} throughout {window.TotalMilliseconds} ms");
    }
}
