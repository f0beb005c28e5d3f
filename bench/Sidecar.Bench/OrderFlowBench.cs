using System.Collections.Concurrent;
using System.Diagnostics;

namespace Sidecar.Bench;

/// <summary>The whole system of <c>dapr.yaml</c> (as the end-to-end tests run it), from <c>POST /orders</c> to the
/// order's <c>Confirmed</c> event arriving at a subscriber of topic <c>orders</c> in the same run: latency at a fixed
/// order rate, interleaved with a plain invocation through two sidecars (the baseline), then throughput with
/// concurrent clients that each place an order and wait for its confirmation.</summary>
public static class OrderFlowBench
{
    public const int Clients = 16;
    public const int ThroughputRounds = 10;

    /// <summary>Baseline invocations per order in the throughput rounds: an invocation round lasts a good second.</summary>
    public const int InvocationsPerOrder = 20;

    /// <summary>In the command line of the Aspire dashboard's process, whose share of the machine the runs with the dashboard report.</summary>
    private const string DashboardMarker = "Aspire.Dashboard";

    /// <summary>The system with the <paramref name="telemetry"/> given (none: no dashboard, no sidecar makes a span and no
    /// app exports).</summary>
    public static async Task<OrderFlowResult> RunAsync(string repoRoot, int ordersPerSecond, TimeSpan duration, int throughputOrders, OrderTelemetry telemetry = OrderTelemetry.None) =>
        (await RunSideBySideAsync(repoRoot, ordersPerSecond, duration, throughputOrders, [telemetry]))[0];

    /// <summary>One system per entry of <paramref name="telemetries"/>, all running at once and measured in the same
    /// window: their requests interleaved at the fixed rate (which they share, so the machine carries the load of one
    /// system), and their throughput rounds taking turns in an order that rotates, so that no system has the machine's
    /// quieter moments, or the work another leaves behind, to itself.</summary>
    public static async Task<OrderFlowResult[]> RunSideBySideAsync(string repoRoot, int ordersPerSecond, TimeSpan duration, int throughputOrders, IReadOnlyList<OrderTelemetry> telemetries)
    {
        var systems = new List<OrderSystem>();
        try
        {
            foreach (var telemetry in telemetries)
            {
                systems.Add(await OrderSystem.StartAsync(repoRoot, telemetry));
            }

            return await MeasureAsync([.. systems.Select(s => s.Client)], ordersPerSecond, duration, throughputOrders);
        }
        finally
        {
            foreach (var system in systems)
            {
                await system.DisposeAsync();
            }
        }
    }

    private static async Task<OrderFlowResult[]> MeasureAsync(OrderClient[] clients, int ordersPerSecond, TimeSpan duration, int throughputOrders)
    {
        // Each system gets its share of the rate for as many times the duration, so each sees as many requests as one
        // system alone would.
        var window = duration * clients.Length;
        Func<Task>[] Kinds(Func<int, Func<Task>> order) => [.. clients.SelectMany((c, k) => new[] { c.InvokeAsync, order(k) })];

        // Warm-up (JIT, connections, actor activations), including half a minute at the measured rate: seven processes
        // keep recompiling their hot paths (tiered compilation, dynamic PGO) for that long, and with a 3 s warm-up the
        // JIT took half the machine during the measurement (perf: libclrjit 26%, libcoreclr 23% of the samples).
        foreach (var client in clients)
        {
            await RunClientsAsync(Clients * 2, client.ConfirmedOrderAsync);
            await RunClientsAsync(Clients * 10, client.InvokeAsync);
        }

        await FixedRateLoad.RunAsync(2 * ordersPerSecond, TimeSpan.FromSeconds(30) * clients.Length, Kinds(k => clients[k].ConfirmedOrderAsync));
        await Task.WhenAll(clients.Select(c => c.DrainAsync()));

        var placed = clients.Select(_ => new ConcurrentBag<(string OrderId, long Sent)>()).ToArray();
        var latencies = await FixedRateLoad.RunAsync(2 * ordersPerSecond, window,
            Kinds(k => async () => placed[k].Add(await clients[k].PlaceAsync())));
        var confirmed = await Task.WhenAll(clients.Select(async (c, k) => new Percentiles(await Task.WhenAll(placed[k].Select(async p =>
            Stopwatch.GetElapsedTime(p.Sent, await c.ConfirmedAsync(p.OrderId)).TotalMilliseconds)))));

        await Task.WhenAll(clients.Select(c => c.DrainAsync()));

        // Rounds of orders alternate with rounds of invocations, so both see the same machine, including the shipping
        // work the confirmed orders leave behind (shipping may fall behind here).
        var throughputInvocations = throughputOrders * InvocationsPerOrder;
        var (ordersPerRound, invocationsPerRound) = (throughputOrders / ThroughputRounds, throughputInvocations / ThroughputRounds);
        var orderRates = clients.Select(_ => new List<double>()).ToArray();
        var invocationRates = clients.Select(_ => new List<double>()).ToArray();
        var cpuAll = new double[clients.Length];
        var cpuDashboard = new double[clients.Length];
        for (var round = 0; round < ThroughputRounds; round++)
        {
            for (var turn = 0; turn < clients.Length; turn++)
            {
                var k = (round + turn) % clients.Length;
                var cpuBefore = ProcFs.TreeCpuSeconds(Environment.ProcessId, DashboardMarker);
                invocationRates[k].Add(invocationsPerRound / await RunClientsAsync(invocationsPerRound, clients[k].InvokeAsync));
                orderRates[k].Add(ordersPerRound / await RunClientsAsync(ordersPerRound, clients[k].ConfirmedOrderAsync));
                var cpuAfter = ProcFs.TreeCpuSeconds(Environment.ProcessId, DashboardMarker);
                cpuAll[k] += cpuAfter.All - cpuBefore.All;
                cpuDashboard[k] += cpuAfter.Marked - cpuBefore.Marked;
            }
        }

        // The median round: one that something outside the bench slowed down does not move it.
        return [.. clients.Select((_, k) => new OrderFlowResult(ordersPerSecond, latencies[2 * k], latencies[2 * k + 1], confirmed[k],
            throughputOrders, new Percentiles(orderRates[k]).P50, throughputInvocations, new Percentiles(invocationRates[k]).P50,
            cpuDashboard[k] / cpuAll[k]))];
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
}

public sealed record OrderFlowResult(
    int OrdersPerSecond, Percentiles Invocation, Percentiles Accepted, Percentiles Confirmed,
    int ThroughputOrders, double ConfirmedPerSecond, int ThroughputInvocations, double InvocationsPerSecond,
    double DashboardCpuShare);
