using System.Diagnostics;
using Sidecart.Testing.Telemetry;

namespace Sidecar.Bench;

/// <summary>What tracing everything costs: invocation through two local sidecars with <c>samplingRate: "1"</c>
/// exporting to a running OTLP receiver, beside the same with <c>samplingRate: "0"</c>, in the same run (latency at a
/// fixed rate, interleaved; then throughput of a fixed number of calls at a fixed concurrency).</summary>
public static class TracingBench
{
    public static async Task<TracingResult> RunAsync(int requestsPerSecond, TimeSpan duration, int throughputCalls)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var app = await BenchApp.StartAsync("unused");
        await using var traced = new BenchSidecars(configuration: Configuration("1", receiver.EndpointAddress));
        await using var untraced = new BenchSidecars(configuration: Configuration("0", receiver.EndpointAddress));
        await traced.StartAsync("echo", app.Port);
        var tracedCaller = await traced.StartAsync("caller", null);
        await untraced.StartAsync("echo", app.Port);
        var untracedCaller = await untraced.StartAsync("caller", null);
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 });
        var body = new byte[1024];
        var on = new Uri(tracedCaller.HttpEndpoint, "/v1.0/invoke/echo/method/echo");
        var off = new Uri(untracedCaller.HttpEndpoint, "/v1.0/invoke/echo/method/echo");

        async Task Call(Uri uri)
        {
            using var content = new ByteArrayContent(body);
            using var response = await client.PostAsync(uri, content);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"call to {uri} failed: {(int)response.StatusCode}");
            }
        }

        await FixedRateLoad.RunAsync(2 * requestsPerSecond, TimeSpan.FromSeconds(3), () => Call(off), () => Call(on));
        var latency = await FixedRateLoad.RunAsync(2 * requestsPerSecond, duration, () => Call(off), () => Call(on));
        var offPerSecond = await ThroughputAsync(() => Call(off), throughputCalls);
        var onPerSecond = await ThroughputAsync(() => Call(on), throughputCalls);
        return new TracingResult(requestsPerSecond, latency[0], latency[1], offPerSecond, onPerSecond, receiver.Spans.Count);
    }

    private static async Task<double> ThroughputAsync(Func<Task> call, int calls)
    {
        const int Concurrency = 32;
        var remaining = calls;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                await call();
            }
        }));
        return calls / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static string Configuration(string rate, string endpoint) => $"""
        apiVersion: dapr.io/v1alpha1
        kind: Configuration
        metadata:
          name: bench-tracing
        spec:
          tracing:
            samplingRate: "{rate}"
            otel:
              endpointAddress: "{endpoint}"
              protocol: http
              isSecure: false
        """;
}

/// <summary>The "Tracing" section: invocation, and whole orders off (the order section's run) and on.</summary>
public sealed record TracingCost(TracingResult Invocation, OrderFlowResult OrdersOff, OrderFlowResult OrdersOn);

public sealed record TracingResult(int RequestsPerSecond, Percentiles Off, Percentiles On, double OffPerSecond, double OnPerSecond, int SpansReceived)
{
    public override string ToString() =>
        $"tracing at samplingRate \"1\" (to an OTLP receiver) vs \"0\", invoke through two sidecars at {RequestsPerSecond}/s: " +
        $"p50 {Off.P50:0.00} → {On.P50:0.00} ms (+{On.P50 - Off.P50:0.00}), p99 {Off.P99:0.00} → {On.P99:0.00} ms; " +
        $"throughput {OffPerSecond:0}/s → {OnPerSecond:0}/s ({(OnPerSecond / OffPerSecond - 1) * 100:+0.0;-0.0}%); {SpansReceived} spans received";
}
