using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Sidecart.Testing.Telemetry;

namespace Sidecar.Bench;

/// <summary>What tracing everything costs: invocation through two local sidecars with <c>samplingRate: "1"</c>
/// exporting to a running OTLP receiver, beside the same with <c>samplingRate: "0"</c>, in the same run (latency at a
/// fixed rate, interleaved; then throughput of a fixed number of calls at a fixed concurrency, in alternating rounds).
/// A third pair samples every call but has no exporter: what making the spans costs, apart from sending them.</summary>
public static class TracingBench
{
    public const int Rounds = 12;

    /// <summary><see cref="RunAsync"/> in a bench process of its own, as the runner hosts sidecars in a process of its
    /// own. The sidecars share their process's garbage collector, whose budgets adapt to what the process did before:
    /// run after the earlier sections of <c>make bench</c> in the same process, the traced rounds paused up to three times
    /// as long (in some rounds every collection a gen1) and the cost came out at −11.6% and −22.2%, where fresh
    /// processes measured −4% to −9%.</summary>
    public static async Task<TracingResult> RunInOwnProcessAsync(int requestsPerSecond, TimeSpan duration, int throughputCalls)
    {
        var resultFile = Path.GetTempFileName();
        try
        {
            var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
            foreach (var arg in new[] { typeof(TracingBench).Assembly.Location, "--tracing-invocation", resultFile,
                         Invariant(requestsPerSecond), Invariant(duration.TotalSeconds), Invariant(throughputCalls) })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"the tracing bench's own process exited with {process.ExitCode}");
            }

            return JsonSerializer.Deserialize<TracingResult>(await File.ReadAllTextAsync(resultFile))!;
        }
        finally
        {
            File.Delete(resultFile);
        }

        static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The other side of <see cref="RunInOwnProcessAsync"/>: runs the bench and writes its result to the file.</summary>
    public static async Task RunToFileAsync(string resultFile, int requestsPerSecond, TimeSpan duration, int throughputCalls) =>
        await File.WriteAllTextAsync(resultFile, JsonSerializer.Serialize(await RunAsync(requestsPerSecond, duration, throughputCalls)));

    public static async Task<TracingResult> RunAsync(int requestsPerSecond, TimeSpan duration, int throughputCalls)
    {
        await using var receiver = await OtlpReceiver.StartAsync(keepSpans: false);
        await using var app = await BenchApp.StartAsync("unused");
        await using var untraced = new BenchSidecars(configuration: Configuration("0", null));
        await using var unexported = new BenchSidecars(configuration: Configuration("1", null));
        await using var traced = new BenchSidecars(configuration: Configuration("1", receiver.EndpointAddress));
        var callers = new List<Uri>();
        foreach (var pair in new[] { untraced, unexported, traced })
        {
            await pair.StartAsync("echo", app.Port);
            callers.Add(new Uri((await pair.StartAsync("caller", null)).HttpEndpoint, "/v1.0/invoke/echo/method/echo"));
        }

        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 });
        var body = new byte[1024];

        async Task Call(Uri uri)
        {
            using var content = new ByteArrayContent(body);
            using var response = await client.PostAsync(uri, content);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"call to {uri} failed: {(int)response.StatusCode}");
            }
        }

        var kinds = callers.Select(uri => (Func<Task>)(() => Call(uri))).ToArray();
        // Latency of off and on only, at the rate of earlier runs: a third stream would load the machine more.
        Func<Task>[] offAndOn = [kinds[0], kinds[2]];
        await FixedRateLoad.RunAsync(2 * requestsPerSecond, TimeSpan.FromSeconds(3), kinds);
        var latency = await FixedRateLoad.RunAsync(2 * requestsPerSecond, duration, offAndOn);

        // Rounds in turn, in an order that rotates, so that no kind has the machine's quieter moments, or the export
        // work another leaves behind, to itself.
        var callsPerRound = throughputCalls / Rounds;
        var perSecond = new double[kinds.Length, Rounds];
        for (var round = 0; round < Rounds; round++)
        {
            for (var turn = 0; turn < kinds.Length; turn++)
            {
                var kind = (round + turn) % kinds.Length;
                perSecond[kind, round] = callsPerRound / (await ThroughputAsync(kinds[kind], callsPerRound)).TotalSeconds;
            }
        }

        // Medians over the rounds, and of each round's ratio to tracing off: a round that something outside the bench
        // slowed down moves neither.
        double Median(IEnumerable<double> values) => new Percentiles(values).P50;
        double[] Rates(int kind) => [.. Enumerable.Range(0, Rounds).Select(round => perSecond[kind, round])];
        double Ratio(int kind) => Median(Enumerable.Range(0, Rounds).Select(round => perSecond[kind, round] / perSecond[0, round]));
        return new TracingResult(requestsPerSecond, latency[0], latency[1], Median(Rates(0)), Median(Rates(1)), Median(Rates(2)),
            Ratio(1) - 1, Ratio(2) - 1, receiver.SpanCount);
    }

    private static async Task<TimeSpan> ThroughputAsync(Func<Task> call, int calls)
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
        return Stopwatch.GetElapsedTime(started);
    }

    private static string Configuration(string rate, string? endpoint) => $"""
        apiVersion: dapr.io/v1alpha1
        kind: Configuration
        metadata:
          name: bench-tracing
        spec:
          tracing:
            samplingRate: "{rate}"
        """ + (endpoint is null ? "" : $"""

            otel:
              endpointAddress: "{endpoint}"
              protocol: http
              isSecure: false
        """);
}

/// <summary>The "Tracing" section: invocation, and whole orders without telemetry (the order section's run), with the
/// dashboard and tracing off, and with the dashboard and tracing on.</summary>
public sealed record TracingCost(TracingResult Invocation, OrderFlowResult OrdersWithoutTelemetry, OrderFlowResult OrdersOff, OrderFlowResult OrdersOn);

public sealed record TracingResult(
    int RequestsPerSecond, Percentiles Off, Percentiles On, double OffPerSecond, double SpansOnlyPerSecond, double OnPerSecond,
    double SpansOnlyCost, double OnCost, int SpansReceived)
{
    public override string ToString() =>
        $"tracing at samplingRate \"1\" (to an OTLP receiver) vs \"0\", invoke through two sidecars at {RequestsPerSecond}/s: " +
        $"p50 {Off.P50:0.00} → {On.P50:0.00} ms (+{On.P50 - Off.P50:0.00}), p99 {Off.P99:0.00} → {On.P99:0.00} ms; " +
        $"throughput {OffPerSecond:0}/s → {OnPerSecond:0}/s ({OnCost * 100:+0.0;-0.0}%), " +
        $"{SpansOnlyPerSecond:0}/s ({SpansOnlyCost * 100:+0.0;-0.0}%) with spans made but not exported; {SpansReceived} spans received";
}
