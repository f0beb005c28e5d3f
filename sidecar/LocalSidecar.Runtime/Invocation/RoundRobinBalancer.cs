using System.Collections.Concurrent;

namespace LocalSidecar.Invocation;

/// <summary>Spreads calls to one app id evenly over its instances, in the order name resolution lists them.</summary>
public sealed class RoundRobinBalancer
{
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    /// <summary>The index of the instance to use next among <paramref name="instanceCount"/> instances.</summary>
    public int Next(string appId, int instanceCount)
    {
        var counter = _counters.GetOrAdd(appId, _ => new Counter());
        var turn = (uint)Interlocked.Increment(ref counter.Value) - 1;
        return (int)(turn % (uint)instanceCount);
    }

    private sealed class Counter
    {
        public int Value;
    }
}
