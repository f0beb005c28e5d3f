using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using Dapr.Client;

namespace Sidecar.Bench;

/// <summary>The same Dapr API calls over the sidecar's gRPC API (through Dapr.Client, as .NET apps make them) and over
/// its HTTP API, interleaved slot by slot so both see the same machine: state save and get at a fixed rate, get
/// throughput from concurrent callers, and publish → delivery. The same clients also get the value from a
/// <see cref="BareStateServer"/>, interleaved with the rest: the floor .NET's two stacks set.</summary>
public static class TransportBench
{
    private const string Topic = "transport";
    private const string Store = "statestore";
    public const int Callers = 32;

    public static async Task<TransportResult> RunAsync(int callsPerSecond, TimeSpan duration, int throughputCalls)
    {
        await using var app = await BenchApp.StartAsync(Topic);
        await using var sidecars = new BenchSidecars(actorStateStore: true);
        await sidecars.StartAsync("subscriber", app.Port);
        var publisher = await sidecars.StartAsync("publisher", null);
        var value = Encoding.UTF8.GetBytes($"{{\"pad\":\"{new string('x', 200)}\"}}");
        await using var bare = await BareStateServer.StartAsync(value);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 }) { BaseAddress = publisher.HttpEndpoint };
        using var grpc = new DaprClientBuilder().UseGrpcEndpoint(publisher.GrpcEndpoint.ToString()).UseHttpEndpoint(publisher.HttpEndpoint.ToString()).Build();
        using var bareHttp = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 }) { BaseAddress = bare.HttpEndpoint };
        using var bareGrpc = new DaprClientBuilder().UseGrpcEndpoint(bare.GrpcEndpoint.ToString()).Build();
        var keys = Enumerable.Range(0, 100).Select(i => $"key-{i}").ToArray();
        var next = 0;
        string Key() => keys[Interlocked.Increment(ref next) % keys.Length];

        Task SaveHttp() => Send(http.PostAsync($"/v1.0/state/{Store}", JsonContent.Create(new[] { new { key = Key(), value = System.Text.Json.JsonDocument.Parse(value).RootElement } })));
        Task SaveGrpc() => grpc.SaveByteStateAsync(Store, Key(), value);
        Task GetHttp() => Send(http.GetAsync($"/v1.0/state/{Store}/{Key()}"));
        Task GetGrpc() => grpc.GetByteStateAsync(Store, Key());
        Task GetHttpBare() => Send(bareHttp.GetAsync($"/v1.0/state/{Store}/{Key()}"));
        Task GetGrpcBare() => bareGrpc.GetByteStateAsync(Store, Key());

        foreach (var key in keys)
        {
            await grpc.SaveByteStateAsync(Store, key, value);
        }

        await FixedRateLoad.RunAsync(callsPerSecond, TimeSpan.FromSeconds(2), SaveHttp, SaveGrpc, GetHttp, GetGrpc, GetHttpBare, GetGrpcBare);
        var state = await FixedRateLoad.RunAsync(callsPerSecond, duration, SaveHttp, SaveGrpc, GetHttp, GetGrpc, GetHttpBare, GetGrpcBare);

        var grpcGets = await ThroughputAsync(GetGrpc, throughputCalls / 2);
        var httpGets = await ThroughputAsync(GetHttp, throughputCalls / 2);
        var grpcGetsAgain = await ThroughputAsync(GetGrpc, throughputCalls / 2);
        var httpGetsAgain = await ThroughputAsync(GetHttp, throughputCalls / 2);

        // Events published over HTTP carry odd sequence numbers, those over gRPC even ones.
        var httpSeq = -1;
        var grpcSeq = 0;
        var sentAt = new ConcurrentDictionary<int, long>();
        async Task PublishHttp()
        {
            var n = Interlocked.Add(ref httpSeq, 2);
            sentAt[n] = Stopwatch.GetTimestamp();
            await Send(http.PostAsJsonAsync($"/v1.0/publish/pubsub/{Topic}", new { seq = n }));
        }

        async Task PublishGrpc()
        {
            var n = Interlocked.Add(ref grpcSeq, 2);
            sentAt[n] = Stopwatch.GetTimestamp();
            await grpc.PublishEventAsync("pubsub", Topic, new { seq = n });
        }

        await PublishGrpc();
        await WaitForAsync(() => !app.Arrivals.IsEmpty, TimeSpan.FromSeconds(30));
        await FixedRateLoad.RunAsync(callsPerSecond / 2, TimeSpan.FromSeconds(2), PublishHttp, PublishGrpc);
        await WaitForAsync(() => sentAt.Keys.All(app.Arrivals.ContainsKey), TimeSpan.FromSeconds(60));
        app.Arrivals.Clear();
        sentAt.Clear();
        await FixedRateLoad.RunAsync(callsPerSecond / 2, duration, PublishHttp, PublishGrpc);
        await WaitForAsync(() => sentAt.Keys.All(app.Arrivals.ContainsKey), TimeSpan.FromSeconds(60));
        Percentiles Delivery(int parity) => new(sentAt.Where(s => Math.Abs(s.Key % 2) == parity)
            .Select(s => Stopwatch.GetElapsedTime(s.Value, app.Arrivals[s.Key]).TotalMilliseconds));

        return new TransportResult(callsPerSecond, state[0], state[1], state[2], state[3], state[4], state[5], Delivery(1), Delivery(0),
            throughputCalls, (httpGets + httpGetsAgain) / 2, (grpcGets + grpcGetsAgain) / 2);
    }

    private static async Task Send(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Calls per second from <see cref="Callers"/> concurrent callers.</summary>
    private static async Task<double> ThroughputAsync(Func<Task> call, int calls)
    {
        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(0, calls, new ParallelOptions { MaxDegreeOfParallelism = Callers }, async (_, _) => await call());
        return calls / clock.Elapsed.TotalSeconds;
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("events were not all delivered in time");
            }

            await Task.Delay(10);
        }
    }
}

public sealed record TransportResult(
    int CallsPerSecond,
    Percentiles SaveHttp,
    Percentiles SaveGrpc,
    Percentiles GetHttp,
    Percentiles GetGrpc,
    Percentiles GetHttpBare,
    Percentiles GetGrpcBare,
    Percentiles DeliveryHttp,
    Percentiles DeliveryGrpc,
    int ThroughputCalls,
    double GetsPerSecondHttp,
    double GetsPerSecondGrpc);
