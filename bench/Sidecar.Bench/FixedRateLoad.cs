using System.Diagnostics;

namespace Sidecar.Bench;

/// <summary>Open-loop load: requests start on a fixed schedule whether or not earlier ones finished, so a slow
/// response cannot hide the queueing it causes (no coordinated omission). Latency is measured from the scheduled
/// start.</summary>
public static class FixedRateLoad
{
    public static async Task<Percentiles> RunAsync(int requestsPerSecond, TimeSpan duration, Func<Task> request)
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
            inFlight[i] = Task.Run(async () =>
            {
                await request();
                latencies[index] = (clock.Elapsed - due).TotalMilliseconds;
            });
        }

        await Task.WhenAll(inFlight);
        return new Percentiles(latencies);
    }
}
