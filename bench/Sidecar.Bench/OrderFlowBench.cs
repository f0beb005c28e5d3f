using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Sidecart.Testing;

namespace Sidecar.Bench;

/// <summary>The whole system of <c>dapr.yaml</c> (as the end-to-end tests run it), from <c>POST /orders</c> to the
/// order's <c>Confirmed</c> event arriving at a subscriber of topic <c>orders</c> in the same run: latency at a fixed
/// order rate, interleaved with a plain invocation through two sidecars (the baseline), then throughput with
/// concurrent clients that each place an order and wait for its confirmation.</summary>
public static class OrderFlowBench
{
    public const int Clients = 16;
    public const int ThroughputRounds = 5;

    /// <summary>Baseline invocations per order in the throughput rounds: an invocation round lasts a good second.</summary>
    public const int InvocationsPerOrder = 20;

    /// <summary>In the command line of the Aspire dashboard's process, whose share of the machine the runs with the dashboard report.</summary>
    private const string DashboardMarker = "Aspire.Dashboard";

    /// <summary>Opening stock per SKU, so that no order of the run can be rejected for lack of stock.</summary>
    private const int Stock = 1_000_000;

    /// <summary>The system with the <paramref name="telemetry"/> given (none: no dashboard, no sidecar makes a span and no
    /// app exports).</summary>
    public static async Task<OrderFlowResult> RunAsync(string repoRoot, int ordersPerSecond, TimeSpan duration, int throughputOrders, OrderTelemetry telemetry = OrderTelemetry.None)
    {
        var skus = await ReadSkusAsync(repoRoot);
        var stockFile = Path.Combine(Path.GetTempPath(), $"sidecart-bench-stock-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(stockFile, JsonSerializer.Serialize(skus.Select(sku => new { sku, quantity = Stock })));
        try
        {
            await using var events = await OrderEventsApp.StartAsync();
            await using var system = await SidecartSystem.StartAsync(new SidecartSystemOptions
            {
                Configuration = typeof(OrderFlowBench).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release",
                TempFolder = "sidecart-bench",
                Dashboard = telemetry != OrderTelemetry.None,
                SamplingRate = telemetry == OrderTelemetry.DashboardTraced ? "1" : "0",
                Env = SidecartSystem.AppIds.ToDictionary(id => id, id => (IReadOnlyDictionary<string, string>)AppEnvironment(id, telemetry, stockFile)),
                ExtraApps = [new ExtraApp(OrderEventsApp.AppId, events.Port, Path.Combine(repoRoot, "bench", "Sidecar.Bench"))],
            });
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 }) { Timeout = TimeSpan.FromSeconds(30) };
            await WaitForStockAsync(http, system.AppEndpoint("inventory"), skus);
            return await MeasureAsync(new OrderClient(http, system, events, skus), ordersPerSecond, duration, throughputOrders);
        }
        finally
        {
            File.Delete(stockFile);
        }
    }

    private static async Task<OrderFlowResult> MeasureAsync(OrderClient client, int ordersPerSecond, TimeSpan duration, int throughputOrders)
    {
        // Warm-up (JIT, connections, actor activations), including half a minute at the measured rate: seven processes
        // keep recompiling their hot paths (tiered compilation, dynamic PGO) for that long, and with a 3 s warm-up the
        // JIT took half the machine during the measurement (perf: libclrjit 26%, libcoreclr 23% of the samples).
        await RunClientsAsync(Clients * 2, client.ConfirmedOrderAsync);
        await RunClientsAsync(Clients * 10, client.InvokeAsync);
        await FixedRateLoad.RunAsync(2 * ordersPerSecond, TimeSpan.FromSeconds(30), client.InvokeAsync, client.ConfirmedOrderAsync);
        await client.DrainAsync();

        var placed = new ConcurrentBag<(string OrderId, long Sent)>();
        var latencies = await FixedRateLoad.RunAsync(2 * ordersPerSecond, duration, client.InvokeAsync, async () => placed.Add(await client.PlaceAsync()));
        var confirmed = await Task.WhenAll(placed.Select(async p =>
            Stopwatch.GetElapsedTime(p.Sent, await client.ConfirmedAsync(p.OrderId)).TotalMilliseconds));

        await client.DrainAsync();

        // Rounds of orders alternate with rounds of invocations, so both see the same machine, including the shipping
        // work the confirmed orders leave behind (shipping may fall behind here).
        var throughputInvocations = throughputOrders * InvocationsPerOrder;
        var orderSeconds = 0.0;
        var invocationSeconds = 0.0;
        var cpuBefore = ProcFs.TreeCpuSeconds(Environment.ProcessId, DashboardMarker);
        for (var round = 0; round < ThroughputRounds; round++)
        {
            invocationSeconds += await RunClientsAsync(throughputInvocations / ThroughputRounds, client.InvokeAsync);
            orderSeconds += await RunClientsAsync(throughputOrders / ThroughputRounds, client.ConfirmedOrderAsync);
        }

        var cpuAfter = ProcFs.TreeCpuSeconds(Environment.ProcessId, DashboardMarker);
        var invocationsPerSecond = throughputInvocations / invocationSeconds;
        var confirmedPerSecond = throughputOrders / orderSeconds;
        return new OrderFlowResult(ordersPerSecond, latencies[0], latencies[1], new Percentiles(confirmed),
            throughputOrders, confirmedPerSecond, throughputInvocations, invocationsPerSecond,
            (cpuAfter.Marked - cpuBefore.Marked) / (cpuAfter.All - cpuBefore.All));
    }

    /// <summary><see cref="Clients"/> concurrent clients run <paramref name="count"/> operations in all, each
    /// starting its next when its last finished; returns the seconds it took.</summary>
    private static async Task<double> RunClientsAsync(int count, Func<Task> operation)
    {
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < count)
            {
                await operation();
            }
        })));
        return clock.Elapsed.TotalSeconds;
    }

    private static Dictionary<string, string> AppEnvironment(string appId, OrderTelemetry telemetry, string stockFile)
    {
        var environment = new Dictionary<string, string>();
        if (appId == "inventory")
        {
            environment["Inventory__SeedFile"] = stockFile;
        }

        if (telemetry == OrderTelemetry.DashboardUntraced)
        {
            // OpenTelemetry's standard switch: the apps' own traces off, their logs and metrics still exported.
            environment["OTEL_TRACES_SAMPLER"] = "always_off";
        }

        return environment;
    }

    private static async Task<string[]> ReadSkusAsync(string repoRoot)
    {
        await using var file = File.OpenRead(Path.Combine(repoRoot, "apps", "inventory", "data", "stock.json"));
        var lines = await JsonSerializer.DeserializeAsync<JsonElement>(file);
        return lines.EnumerateArray().Select(line => line.GetProperty("sku").GetString()!).ToArray();
    }

    // Inventory answers before its seeder has given every SKU its opening stock.
    private static async Task WaitForStockAsync(HttpClient http, Uri inventory, string[] skus)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var sku in skus)
        {
            while ((await http.GetFromJsonAsync<JsonElement>(new Uri(inventory, $"/stock/{sku}"))).GetProperty("available").GetInt32() < Stock)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"inventory did not seed the bench stock of {sku}");
                }

                await Task.Delay(100);
            }
        }
    }
}

public sealed record OrderFlowResult(
    int OrdersPerSecond, Percentiles Invocation, Percentiles Accepted, Percentiles Confirmed,
    int ThroughputOrders, double ConfirmedPerSecond, int ThroughputInvocations, double InvocationsPerSecond,
    double DashboardCpuShare);
