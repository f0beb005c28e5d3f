using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Sidecar.Bench;

/// <summary>Actors through the actor host library: a caller's sidecar → the owner's sidecar (placement, turn lock) →
/// the host app. Activation latency calls a new actor id every time, at a fixed rate, interleaved with a plain service
/// invocation of an equivalent endpoint on the same app through the same two sidecars. Throughput runs many concurrent
/// callers over a fixed set of actor ids, in rounds alternating with the same number of plain invocations.</summary>
public static class ActorBench
{
    public const int ActorIds = 100;

    public const int Callers = 64;

    private const int Rounds = 4;

    public static async Task<ActorResult> RunAsync(int requestsPerSecond, TimeSpan duration, int throughputCalls)
    {
        await using var sidecars = new BenchSidecars(actorStateStore: true);
        var appPort = FreePort();
        var hostSidecarPort = FreePort();
        await using var app = await BenchActorApp.StartAsync(appPort, new Uri($"http://127.0.0.1:{hostSidecarPort}"));
        var host = await sidecars.StartAsync("actors", appPort, hostSidecarPort);
        var caller = await sidecars.StartAsync("caller", null);
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 }) { BaseAddress = caller.HttpEndpoint };
        await WaitForActorHostAsync(host.HttpEndpoint);

        async Task Call(string path)
        {
            using var content = new StringContent("1", Encoding.UTF8, "application/json");
            using var response = await client.PostAsync(path, content);
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode || body != "1")
            {
                throw new InvalidOperationException($"call to {path} failed: {(int)response.StatusCode} {body}");
            }
        }

        Task NewActor() => Call($"/v1.0/actors/Ping/{Guid.NewGuid():N}/method/Ping");
        Task Invocation() => Call("/v1.0/invoke/actors/method/ping");

        // Warm both paths (JIT, connection pools, placement) before measuring.
        await FixedRateLoad.RunAsync(2 * requestsPerSecond, TimeSpan.FromSeconds(3), NewActor, Invocation);
        var latency = await FixedRateLoad.RunAsync(2 * requestsPerSecond, duration, NewActor, Invocation);

        var actorTime = TimeSpan.Zero;
        var invocationTime = TimeSpan.Zero;
        var perRound = throughputCalls / Rounds;
        for (var round = 0; round < Rounds; round++)
        {
            actorTime += await BurstAsync(perRound, i => Call($"/v1.0/actors/Ping/bench-{i % ActorIds}/method/Ping"));
            invocationTime += await BurstAsync(perRound, _ => Invocation());
        }

        return new ActorResult(requestsPerSecond, latency[0], latency[1], perRound * Rounds,
            perRound * Rounds / actorTime.TotalSeconds, perRound * Rounds / invocationTime.TotalSeconds);
    }

    private static async Task<TimeSpan> BurstAsync(int calls, Func<int, Task> call)
    {
        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(0, calls, new ParallelOptions { MaxDegreeOfParallelism = Callers }, async (i, _) => await call(i));
        return clock.Elapsed;
    }

    private static async Task WaitForActorHostAsync(Uri sidecar)
    {
        using var client = new HttpClient { BaseAddress = sidecar };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (JsonNode.Parse(await client.GetStringAsync("/v1.0/metadata"))?["actorRuntime"]?["hostReady"]?.GetValue<bool>() != true)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the actor host did not become ready");
            }

            await Task.Delay(20);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public sealed record ActorResult(
    int RequestsPerSecond,
    Percentiles Activation,
    Percentiles Invocation,
    int ThroughputCalls,
    double ActorCallsPerSecond,
    double InvocationCallsPerSecond);
