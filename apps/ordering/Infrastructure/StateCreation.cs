using Dapr;
using Dapr.Client;

namespace Sidecart.Ordering.Infrastructure;

public static class StateCreation
{
    private static readonly StateOptions FirstWrite = new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };

    /// <summary>Creates <paramref name="key"/> with a first-write save; false when that failed. The failure is never
    /// interpreted (stores answer a lost race differently: SQLite 409, Redis and PostgreSQL 500): the caller reads the
    /// key again and decides from what is there.</summary>
    public static async Task<bool> TryCreateStateAsync<TValue>(
        this DaprClient dapr, string storeName, string key, TValue value, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        try
        {
            await dapr.SaveStateAsync(storeName, key, value, FirstWrite, metadata, cancellationToken);
            return true;
        }
        catch (DaprException)
        {
            return false;
        }
    }
}
