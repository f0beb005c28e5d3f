namespace Sidecart.Testing;

/// <summary>Polling for conditions that become true asynchronously.</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="read"/> every <paramref name="pollInterval"/> until <paramref name="done"/> holds
    /// and returns that value, or throws <see cref="TimeoutException"/> (naming <paramref name="what"/> and the last
    /// value read) once <paramref name="timeout"/> has passed.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan timeout, TimeSpan pollInterval)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(done);
        var deadline = DateTime.UtcNow.Add(timeout);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}; last value: {value}");
            }

            await Task.Delay(pollInterval);
        }
    }
}
