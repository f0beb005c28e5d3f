using System.Diagnostics;
using System.Net.Http.Json;

namespace Sidecar.Bench;

/// <summary>Publish-to-delivery latency (fixed publish rate) and throughput (as fast as publishers can go), from a
/// publisher's sidecar through the in-memory broker to a subscriber's sidecar and app. The baseline is the same event
/// POSTed straight to the subscriber app.</summary>
public static class PubSubBench
{
    public static async Task<PubSubResult> RunAsync(int eventsPerSecond, TimeSpan duration, int throughputEvents)
    {
        const string topic = "bench";
        await using var app = await BenchApp.StartAsync(topic);
        await using var sidecars = new BenchSidecars();
        await sidecars.StartAsync("subscriber", app.Port);
        var publisher = await sidecars.StartAsync("publisher", null);
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 }) { BaseAddress = publisher.HttpEndpoint };
        var direct = new Uri($"http://127.0.0.1:{app.Port}/events");
        await WaitSubscribedAsync(client, app);

        var seq = 1_000_000;
        var publishedAt = new System.Collections.Concurrent.ConcurrentDictionary<int, long>();

        async Task Publish()
        {
            var n = Interlocked.Increment(ref seq);
            publishedAt[n] = Stopwatch.GetTimestamp();
            using var response = await client.PostAsJsonAsync($"/v1.0/publish/pubsub/{topic}", new { seq = n, pad = new string('x', 200) });
            response.EnsureSuccessStatusCode();
        }

        async Task PostDirect()
        {
            var n = Interlocked.Increment(ref seq);
            publishedAt[n] = Stopwatch.GetTimestamp();
            var cloudEvent = System.Text.Json.JsonSerializer.Serialize(new { data = new { seq = n, pad = new string('x', 200) } });
            using var content = new StringContent(cloudEvent, System.Text.Encoding.UTF8, "application/cloudevents+json");
            using var response = await client.PostAsync(direct, content);
            response.EnsureSuccessStatusCode();
        }

        await FixedRateLoad.RunAsync(eventsPerSecond, TimeSpan.FromSeconds(2), Publish);
        var baseline = await DeliveryLatencyAsync(app, publishedAt, eventsPerSecond, duration, PostDirect);
        var latency = await DeliveryLatencyAsync(app, publishedAt, eventsPerSecond, duration, Publish);

        var firstSeq = seq + 1;
        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(0, throughputEvents, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (_, _) => await Publish());
        var published = clock.Elapsed;
        await WaitForAsync(() => Enumerable.Range(firstSeq, throughputEvents).All(app.Arrivals.ContainsKey), TimeSpan.FromSeconds(120));
        var delivered = clock.Elapsed;
        return new PubSubResult(eventsPerSecond, baseline, latency, throughputEvents, throughputEvents / published.TotalSeconds, throughputEvents / delivered.TotalSeconds);
    }

    private static async Task<Percentiles> DeliveryLatencyAsync(
        BenchApp app, System.Collections.Concurrent.ConcurrentDictionary<int, long> publishedAt, int rate, TimeSpan duration, Func<Task> send)
    {
        app.Arrivals.Clear();
        publishedAt.Clear();
        await FixedRateLoad.RunAsync(rate, duration, send);
        await WaitForAsync(() => publishedAt.Keys.All(app.Arrivals.ContainsKey), TimeSpan.FromSeconds(60));
        return new Percentiles(publishedAt.Select(p => Stopwatch.GetElapsedTime(p.Value, app.Arrivals[p.Key]).TotalMilliseconds));
    }

    private static async Task WaitSubscribedAsync(HttpClient client, BenchApp app)
    {
        await WaitForAsync(async () =>
        {
            using var response = await client.PostAsJsonAsync("/v1.0/publish/pubsub/bench", new { seq = 0 });
            await Task.Delay(50);
            return app.Arrivals.ContainsKey(0);
        }, TimeSpan.FromSeconds(30));
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
