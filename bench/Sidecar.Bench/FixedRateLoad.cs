using System.Diagnostics;

namespace Sidecar.Bench;

/// <summary>Open-loop load: requests start on a fixed schedule whether or not earlier ones finished, so a slow
/// response cannot hold back the requests behind it. Several kinds of request take turns slot by slot, so a
/// measurement and its baseline see the same machine at the same moments. Latency is measured from each request's
/// actual start, so the timer's own lateness is not charged to the system under test.</summary>
public static class FixedRateLoad
{
    /// <summary>Runs <paramref name="kinds"/> in turn at <paramref name="requestsPerSecond"/> in total and returns the
    /// latencies of each kind.</summary>
    public static async Task<Percentiles[]> RunAsync(int requestsPerSecond, TimeSpan duration, params Func<Task>[] kinds)
    {
        var total = (int)(requestsPerSecond * duration.TotalSeconds);
        var latencies = new double[total];
        var inFlight = new Task[total];
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / requestsPerSecond);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var index = i;
            var request = kinds[i % kinds.Length];
            inFlight[i] = Task.Run(async () =>
            {
                var started = clock.Elapsed;
                await request();
                latencies[index] = (clock.Elapsed - started).TotalMilliseconds;
            });
        }

        await Task.WhenAll(inFlight);
        return kinds.Select((_, k) => new Percentiles(latencies.Where((_, i) => i % kinds.Length == k))).ToArray();
    }
}
