using System.Globalization;
using Sidecar.Bench;

// `make bench`: measures the local sidecar against baselines taken in the same run and writes bench/results/.
if (args is ["--minimal-app", var port])
{
    await MemoryBench.RunMinimalAppAsync(int.Parse(port, CultureInfo.InvariantCulture));
    return 0;
}

if (args is ["--host-sidecars", var count, var basePort])
{
    await MemoryBench.HostSidecarsAsync(int.Parse(count, CultureInfo.InvariantCulture), int.Parse(basePort, CultureInfo.InvariantCulture));
    return 0;
}

// The tracing section's invocation part, in a process of its own (TracingBench.RunInOwnProcessAsync).
if (args is ["--tracing-invocation", var resultFile, var rate, var seconds, var calls])
{
    await TracingBench.RunToFileAsync(resultFile, int.Parse(rate, CultureInfo.InvariantCulture),
        TimeSpan.FromSeconds(double.Parse(seconds, CultureInfo.InvariantCulture)), int.Parse(calls, CultureInfo.InvariantCulture));
    return 0;
}

var repoRoot = FindRepoRoot();
const int OrdersPerSecond = 20;
const int ThroughputOrders = 1000;
const int TransportCallsPerSecond = 1000;
const int TransportThroughputCalls = 20_000;
const int WorkflowsPerSecond = 20;
const int ThroughputWorkflows = 2_000;
// At 20/s, 10 s gave 200 workflows per window, and the p50 ratio moved between 4.3× and 5.9× from run to run; with
// 20 s it came out the same in three runs in a row.
var workflowDuration = TimeSpan.FromSeconds(20);
var orderDuration = TimeSpan.FromSeconds(30);

// `-- --orders`: only the order-flow section, printed, with bench/results left as they are.
if (args is ["--orders"])
{
    Console.WriteLine(Report.OrderFlow(await OrderFlowBench.RunAsync(repoRoot, OrdersPerSecond, orderDuration, ThroughputOrders)));
    return 0;
}

// `-- --workflows`: only the workflow section, printed.
if (args is ["--workflows"])
{
    Console.WriteLine(Report.Workflows(await WorkflowBench.RunAsync(WorkflowsPerSecond, workflowDuration, ThroughputWorkflows)));
    return 0;
}

// `-- --tracing`: only what tracing everything costs (issue 16), printed.
if (args is ["--tracing"])
{
    Console.WriteLine(Report.Tracing(await TracingCostAsync()));
    return 0;
}

// `-- --transport`: only the gRPC-vs-HTTP section, printed.
if (args is ["--transport"])
{
    Console.WriteLine(Report.Transport(await TransportBench.RunAsync(TransportCallsPerSecond, TimeSpan.FromSeconds(10), TransportThroughputCalls)));
    return 0;
}

// `-- --footprint`: only the memory and start-up sections, printed.
if (args is ["--footprint"])
{
    Console.WriteLine(Report.Footprint(await MemoryBench.RunAsync(repoRoot), await FootprintBench.RunAsync(repoRoot)));
    return 0;
}

var output = args.Length > 0 ? Path.GetFullPath(args[0]) : Path.Combine(repoRoot, "bench", "results");
Directory.CreateDirectory(output);

Console.WriteLine("invocation: direct vs through two local sidecars, 500 req/s, 1 KB bodies ...");
var invocation = await InvocationBench.RunAsync(500, TimeSpan.FromSeconds(10));
Console.WriteLine("pub/sub: publish-to-delivery latency and throughput ...");
var pubsub = await PubSubBench.RunAsync(500, TimeSpan.FromSeconds(10), 20_000);
Console.WriteLine($"transport: state and publish over gRPC vs HTTP, {TransportCallsPerSecond} calls/s interleaved ...");
var transport = await TransportBench.RunAsync(TransportCallsPerSecond, TimeSpan.FromSeconds(10), TransportThroughputCalls);
Console.WriteLine($"workflows: three activities start to completed at {WorkflowsPerSecond}/s vs three invocations, and throughput ...");
var workflows = await WorkflowBench.RunAsync(WorkflowsPerSecond, workflowDuration, ThroughputWorkflows);
Console.WriteLine("actors: activation latency at 500 req/s vs plain invocation, and call throughput ...");
var actors = await ActorBench.RunAsync(500, TimeSpan.FromSeconds(10), 20_000);
Console.WriteLine("memory: resident set of one sidecar process vs a bare ASP.NET app ...");
var memory = await MemoryBench.RunAsync(repoRoot);
Console.WriteLine($"footprint: `make run` in a fresh clone, to all healthy and after {FootprintBench.Orders} orders ...");
var footprint = await FootprintBench.RunAsync(repoRoot);
Console.WriteLine($"orders: the whole system, POST /orders to Confirmed at {OrdersPerSecond} orders/s vs plain invocation, and throughput ...");
var orders = await OrderFlowBench.RunAsync(repoRoot, OrdersPerSecond, orderDuration, ThroughputOrders);

Console.WriteLine("tracing: invocation and whole orders at samplingRate \"1\" to a running dashboard vs \"0\" ...");
var tracing = await TracingCostAsync();

var report = Report.Markdown(invocation, pubsub, transport, workflows, actors, memory, footprint, orders, tracing);
await File.WriteAllTextAsync(Path.Combine(output, "latest.md"), report);
await File.WriteAllTextAsync(Path.Combine(output, "latest.json"), Report.Json(invocation, pubsub, transport, workflows, actors, memory, footprint, orders, tracing));
Console.WriteLine(report);
return 0;

async Task<TracingCost> TracingCostAsync()
{
    var invocation = await TracingBench.RunInOwnProcessAsync(500, TimeSpan.FromSeconds(10), 60_000);
    var orders = await OrderFlowBench.RunSideBySideAsync(repoRoot, OrdersPerSecond, orderDuration, ThroughputOrders,
        [OrderTelemetry.None, OrderTelemetry.DashboardUntraced, OrderTelemetry.DashboardTraced]);
    return new TracingCost(invocation, orders[0], orders[1], orders[2]);
}

static string FindRepoRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Dapr.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("run the benchmark from inside the repository");
}
