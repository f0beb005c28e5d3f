using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;

namespace Sidecar.Bench;

/// <summary>Publish-to-delivery latency (fixed publish rate) and throughput (as fast as publishers can go), from a
/// publisher's sidecar through the in-memory broker to a subscriber's sidecar and app. The baseline is the same event
/// POSTed straight to the subscriber app, interleaved with the publishes.</summary>
public static class PubSubBench
{
    private const string Topic = "bench";

    public static async Task<PubSubResult> RunAsync(int eventsPerSecond, TimeSpan duration, int throughputEvents)
    {
        await using var app = await BenchApp.StartAsync(Topic);
        await using var sidecars = new BenchSidecars();
        await sidecars.StartAsync("subscriber", app.Port);
        var publisher = await sidecars.StartAsync("publisher", null);
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 }) { BaseAddress = publisher.HttpEndpoint };
        var direct = new Uri($"http://127.0.0.1:{app.Port}/events");
        var pad = new string('x', 200);

        // Published events carry odd sequence numbers, events POSTed directly even ones.
        var publishSeq = -1;
        var directSeq = 0;
        var sentAt = new ConcurrentDictionary<int, long>();

        async Task<int> Publish()
        {
            var n = Interlocked.Add(ref publishSeq, 2);
            sentAt[n] = Stopwatch.GetTimestamp();
            using var response = await client.PostAsJsonAsync($"/v1.0/publish/pubsub/{Topic}", new { seq = n, pad });
            response.EnsureSuccessStatusCode();
            return n;
        }

        async Task PostDirect()
        {
            var n = Interlocked.Add(ref directSeq, 2);
            sentAt[n] = Stopwatch.GetTimestamp();
            var cloudEvent = System.Text.Json.JsonSerializer.Serialize(new { data = new { seq = n, pad } });
            using var content = new StringContent(cloudEvent, System.Text.Encoding.UTF8, "application/cloudevents+json");
            using var response = await client.PostAsync(direct, content);
            response.EnsureSuccessStatusCode();
        }

        await WaitForAsync(async () => app.Arrivals.ContainsKey(await Publish()), TimeSpan.FromSeconds(30));
        await FixedRateLoad.RunAsync(2 * eventsPerSecond, TimeSpan.FromSeconds(2), PostDirect, Publish);
        await WaitForAsync(() => sentAt.Keys.All(app.Arrivals.ContainsKey), TimeSpan.FromSeconds(60));
        app.Arrivals.Clear();
        sentAt.Clear();

        await FixedRateLoad.RunAsync(2 * eventsPerSecond, duration, PostDirect, Publish);
        await WaitForAsync(() => sentAt.Keys.All(app.Arrivals.ContainsKey), TimeSpan.FromSeconds(60));
        Percentiles Latency(int parity) => new(sentAt.Where(s => Math.Abs(s.Key % 2) == parity)
            .Select(s => Stopwatch.GetElapsedTime(s.Value, app.Arrivals[s.Key]).TotalMilliseconds));
        var baseline = Latency(0);
        var viaSidecars = Latency(1);

        var burst = new ConcurrentBag<int>();
        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(0, throughputEvents, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (_, _) => burst.Add(await Publish()));
        var publishing = clock.Elapsed;
        await WaitForAsync(() => burst.All(app.Arrivals.ContainsKey), TimeSpan.FromSeconds(120));
        var delivering = clock.Elapsed;
        return new PubSubResult(eventsPerSecond, baseline, viaSidecars, throughputEvents,
            throughputEvents / publishing.TotalSeconds, throughputEvents / delivering.TotalSeconds);
    }

    private static Task WaitForAsync(Func<bool> condition, TimeSpan timeout) => WaitForAsync(() => Task.FromResult(condition()), timeout);

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("events were not all delivered in time");
            }

            await Task.Delay(10);
        }
    }
}

public sealed record PubSubResult(int EventsPerSecond, Percentiles DirectPost, Percentiles PublishToDelivery, int ThroughputEvents, double PublishPerSecond, double DeliveredPerSecond);
