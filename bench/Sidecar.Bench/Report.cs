using System.Globalization;
using System.Text.Json;

namespace Sidecar.Bench;

/// <summary>Writes the figures, each next to the baseline it is measured against.</summary>
public static class Report
{
    /// <summary>A difference in ms with its sign; one that rounds to nothing is 0.000.</summary>
    private static string Delta(double v) => v.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture);

    public static string Markdown(InvocationResult inv, PubSubResult ps, TransportResult transport, WorkflowResult workflows, ActorResult act, MemoryResult mem, FootprintResult footprint, OrderFlowResult orders, TracingCost tracing)
    {
        string Ms(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);
        string X(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);
        return $"""
            # Local sidecar benchmarks

            Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, .NET {Environment.Version}, by `make bench`.
            Every figure is taken in the same run as its baseline. Dapr's published figures (v1.17, Kubernetes) are
            given for orientation only: different hardware and topology.

            ## Service invocation ({inv.RequestsPerSecond} req/s fixed rate, 1 KB bodies, {inv.Direct.Count} requests per path, interleaved)

            | path | p50 ms | p99 ms |
            |---|---|---|
            | direct HTTP call to the app (baseline) | {Ms(inv.Direct.P50)} | {Ms(inv.Direct.P99)} |
            | through caller sidecar → sidecar hop → callee sidecar → app | {Ms(inv.ViaSidecars.P50)} | {Ms(inv.ViaSidecars.P99)} |
            | **added by two sidecars** | **{Delta(inv.AddedP50)}** | **{Delta(inv.AddedP99)}** |
            | ratio to baseline | {X(inv.ViaSidecars.P50 / inv.Direct.P50)}× | {X(inv.ViaSidecars.P99 / inv.Direct.P99)}× |

            Dapr publishes +1.06 ms p50 / +2.90 ms p99 for HTTP invocation.

            ## Pub/sub (`pubsub.in-memory`, two sidecars)

            | measure | p50 ms | p99 ms |
            |---|---|---|
            | event POSTed straight to the subscriber app (baseline), {ps.EventsPerSecond}/s interleaved | {Ms(ps.DirectPost.P50)} | {Ms(ps.DirectPost.P99)} |
            | publish → delivered to the subscriber app, {ps.EventsPerSecond}/s | {Ms(ps.PublishToDelivery.P50)} | {Ms(ps.PublishToDelivery.P99)} |
            | ratio to baseline | {X(ps.PublishToDelivery.P50 / ps.DirectPost.P50)}× | {X(ps.PublishToDelivery.P99 / ps.DirectPost.P99)}× |

            Throughput, {ps.ThroughputEvents} events from 32 concurrent publishers: {ps.PublishPerSecond:0} published/s, {ps.DeliveredPerSecond:0} delivered/s end to end.

            {Transport(transport)}

            {Workflows(workflows)}

            ## Actors (actor host library; caller sidecar → owner sidecar → app)

            | measure, {act.RequestsPerSecond} req/s each, interleaved, {act.Activation.Count} requests per path | p50 ms | p99 ms |
            |---|---|---|
            | plain service invocation of an equivalent endpoint on the same app (baseline) | {Ms(act.Invocation.P50)} | {Ms(act.Invocation.P99)} |
            | actor call to a new actor id (activation) | {Ms(act.Activation.P50)} | {Ms(act.Activation.P99)} |
            | **added by activation and the actor runtime** | **{Delta(act.Activation.P50 - act.Invocation.P50)}** | **{Delta(act.Activation.P99 - act.Invocation.P99)}** |
            | ratio to baseline | {X(act.Activation.P50 / act.Invocation.P50)}× | {X(act.Activation.P99 / act.Invocation.P99)}× |

            Dapr publishes an actor activation p99 of 6.89 ms at 500 req/s (v1.17).

            Throughput, {act.ThroughputCalls} calls from {ActorBench.Callers} concurrent callers over {ActorBench.ActorIds} actor ids, in rounds
            alternating with as many plain invocations: **{act.ActorCallsPerSecond:0} actor calls/s** against {act.InvocationCallsPerSecond:0} invocations/s
            ({X(act.ActorCallsPerSecond / act.InvocationCallsPerSecond)}× the baseline).

            {Footprint(mem, footprint)}

            {OrderFlow(orders)}

            {Tracing(tracing)}
            """;
    }

    /// <summary>The "Tracing" section: what tracing everything costs, invocation and whole orders, off beside on.</summary>
    public static string Tracing(TracingCost t)
    {
        string Ms(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);
        string Percent(double change) => (change * 100).ToString("+0.0;-0.0", CultureInfo.InvariantCulture) + "%";
        string Pct(double on, double off) => Percent(on / off - 1);
        var i = t.Invocation;
        var (none, off, on) = (t.OrdersWithoutTelemetry, t.OrdersOff, t.OrdersOn);
        return $"""
            ## Tracing (samplingRate "1" beside "0")

            Service invocation through two sidecars, {i.RequestsPerSecond} req/s each, off and on interleaved; then throughput in
            {TracingBench.Rounds} rounds, each kind in turn in an order that rotates, in a bench process of its own (the earlier
            sections shape the collector of the process they ran in). Tracing on exports every span over OTLP/HTTP to a receiver
            in that process, which only counts them ({i.SpansReceived} spans received); "spans only" samples every call but has no exporter:

            | measure | tracing off | spans only | tracing on | cost |
            |---|---|---|---|---|
            | invoke p50 ms | {Ms(i.Off.P50)} | | {Ms(i.On.P50)} | {Delta(i.On.P50 - i.Off.P50)} ms |
            | invoke p99 ms | {Ms(i.Off.P99)} | | {Ms(i.On.P99)} | {Delta(i.On.P99 - i.Off.P99)} ms |
            | invoke throughput, calls/s (median round; cost: median of the rounds' ratios to off) | {i.OffPerSecond:0} | {i.SpansOnlyPerSecond:0} ({Percent(i.SpansOnlyCost)}) | {i.OnPerSecond:0} | {Percent(i.OnCost)} |

            The whole system as in "Orders end to end", three systems running side by side and measured in the same window
            (requests of the three interleaved, {none.OrdersPerSecond} orders/s in all, throughput rounds taking turns in a rotating
            order): without telemetry (no dashboard, no sidecar samples, no app exports); with an Aspire dashboard started
            for it, as under `make run`, and tracing off (`samplingRate: "0"`, the apps' `OTEL_TRACES_SAMPLER=always_off`;
            their logs and metrics still go to the dashboard); and with its own dashboard and tracing on (every sidecar and
            app samples every request and exports it):

            | measure | without telemetry | dashboard, tracing off | dashboard, tracing on | cost of tracing | cost of dashboard and tracing |
            |---|---|---|---|---|---|
            | `POST /orders` → `Confirmed` p50 ms | {Ms(none.Confirmed.P50)} | {Ms(off.Confirmed.P50)} | {Ms(on.Confirmed.P50)} | {Delta(on.Confirmed.P50 - off.Confirmed.P50)} ms | {Delta(on.Confirmed.P50 - none.Confirmed.P50)} ms |
            | `POST /orders` → `Confirmed` p99 ms | {Ms(none.Confirmed.P99)} | {Ms(off.Confirmed.P99)} | {Ms(on.Confirmed.P99)} | {Delta(on.Confirmed.P99 - off.Confirmed.P99)} ms | {Delta(on.Confirmed.P99 - none.Confirmed.P99)} ms |
            | confirmed orders/s (median round) | {none.ConfirmedPerSecond:0} | {off.ConfirmedPerSecond:0} | {on.ConfirmedPerSecond:0} | {Pct(on.ConfirmedPerSecond, off.ConfirmedPerSecond)} | {Pct(on.ConfirmedPerSecond, none.ConfirmedPerSecond)} |

            In the throughput rounds of the system with tracing off the dashboards' processes (at the lowest CPU priority, as
            the runner starts them) used {off.DashboardCpuShare * 100:0}% of the CPU time of all the bench's processes, {on.DashboardCpuShare * 100:0}% in those
            of the system with tracing on. A dashboard catches up whenever the machine has time, in any system's rounds, so
            what the traced system's dashboard ingests later is shared out among the three: the cost of tracing is that of
            the apps' and sidecars' own work.
            """;
    }

    public static string Transport(TransportResult t)
    {
        string Ms(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);
        string X(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);
        string Row(string what, (double P50, double P99) http, (double P50, double P99) grpc) =>
            $"| {what} | {Ms(http.P50)} | {Ms(http.P99)} | {Ms(grpc.P50)} | {Ms(grpc.P99)} | {X(grpc.P50 / http.P50)}× | {X(grpc.P99 / http.P99)}× |";
        (double, double) P(Percentiles p) => (p.P50, p.P99);
        return $"""
            ## gRPC vs HTTP API (one sidecar, `state.in-memory`, `pubsub.in-memory`; gRPC through Dapr.Client, HTTP with HttpClient)

            | call, {t.CallsPerSecond} calls/s in all, interleaved, {t.SaveHttp.Count} per kind | HTTP p50 ms | HTTP p99 ms | gRPC p50 ms | gRPC p99 ms | gRPC/HTTP p50 | gRPC/HTTP p99 |
            |---|---|---|---|---|---|---|
            {Row("state save (one 200-byte item)", P(t.SaveHttp), P(t.SaveGrpc))}
            {Row("state get", P(t.GetHttp), P(t.GetGrpc))}
            {Row("floor: the same get from a bare ASP.NET Core app (value in memory), same clients", P(t.GetHttpBare), P(t.GetGrpcBare))}
            | **added by the sidecar to a get** (sidecar − floor) | **{Delta(t.GetHttp.P50 - t.GetHttpBare.P50)}** | {Delta(t.GetHttp.P99 - t.GetHttpBare.P99)} | **{Delta(t.GetGrpc.P50 - t.GetGrpcBare.P50)}** | {Delta(t.GetGrpc.P99 - t.GetGrpcBare.P99)} | | |
            {Row($"publish → delivered to the subscriber app ({t.CallsPerSecond / 2}/s)", P(t.DeliveryHttp), P(t.DeliveryGrpc))}

            Throughput of state gets, {t.ThroughputCalls / 2} calls per transport from {TransportBench.Callers} concurrent callers, alternating twice:
            **{t.GetsPerSecondGrpc:0} calls/s over gRPC** against {t.GetsPerSecondHttp:0} calls/s over HTTP ({X(t.GetsPerSecondGrpc / t.GetsPerSecondHttp)}×).
            """;
    }

    public static string Workflows(WorkflowResult w)
    {
        string Ms(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);
        string X(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);
        return $"""
            ## Workflows (Dapr.Workflow, three sequential activities, `state.sqlite` actor store)

            Measured after 20 s of the same load, once tiered compilation has settled.

            | measure, {w.PerSecond}/s each, interleaved, {w.Workflow.Count} per kind | p50 ms | p99 ms |
            |---|---|---|
            | three service invocations in a row through the sidecar to an app (baseline) | {Ms(w.ThreeInvocations.P50)} | {Ms(w.ThreeInvocations.P99)} |
            | **workflow scheduled → completed** (`ScheduleNewWorkflowAsync`, `WaitForWorkflowCompletionAsync`) | **{Ms(w.Workflow.P50)}** | **{Ms(w.Workflow.P99)}** |
            | ratio to baseline | {X(w.Workflow.P50 / w.ThreeInvocations.P50)}× | {X(w.Workflow.P99 / w.ThreeInvocations.P99)}× |

            Throughput, {w.ThroughputWorkflows} workflows from {WorkflowBench.Clients} concurrent clients in two rounds alternating with as many rounds
            of three invocations: **{w.WorkflowsPerSecond:0} completed workflows/s** against {w.InvocationRoundsPerSecond:0} rounds of three invocations/s.
            """;
    }

    public static string OrderFlow(OrderFlowResult o)
    {
        string Ms(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);
        string X(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);
        return $"""
            ## Orders end to end (the whole `dapr.yaml` system, `components/local`, SQLite state)

            Every app of `dapr.yaml` (shipping included) run by the local runner as the end-to-end tests run it, with stock
            for every order and the provider's defaults (no latency, no outage). "Confirmed" is when ordering's `Confirmed`
            event on topic `orders` reaches a subscriber app of the same run; the baseline is catalog's `GET /products/<sku>`
            through that subscriber's sidecar and catalog's, interleaved with the orders. One-unit orders, SKUs in turn.
            Measured after 30 s at the same rate, once tiered compilation has settled in every process.

            | measure, {o.OrdersPerSecond} orders/s + {o.OrdersPerSecond} invocations/s, {o.Confirmed.Count} orders | p50 ms | p99 ms |
            |---|---|---|
            | service invocation through two sidecars (baseline) | {Ms(o.Invocation.P50)} | {Ms(o.Invocation.P99)} |
            | `POST /orders` answered 202 | {Ms(o.Accepted.P50)} | {Ms(o.Accepted.P99)} |
            | **`POST /orders` sent → `Confirmed` received** | **{Ms(o.Confirmed.P50)}** | **{Ms(o.Confirmed.P99)}** |
            | ratio of confirmation to baseline | {X(o.Confirmed.P50 / o.Invocation.P50)}× | {X(o.Confirmed.P99 / o.Invocation.P99)}× |

            Throughput, {OrderFlowBench.Clients} concurrent clients each placing an order and waiting for its `Confirmed` event, {o.ThroughputOrders} orders in
            {OrderFlowBench.ThroughputRounds} rounds alternating with rounds of {OrderFlowBench.InvocationsPerOrder}× as many invocations by the same clients (rates of the median round):
            **{o.ConfirmedPerSecond:0} confirmed orders/s** against {o.InvocationsPerSecond:0} invocations/s, so an order costs the capacity of
            {X(o.InvocationsPerSecond / o.ConfirmedPerSecond)} invocations.
            """;
    }

    /// <summary>The "Footprint" section: the standalone sidecar (JIT and native) against a bare ASP.NET app, the runner's
    /// cost per sidecar, and <c>make run</c> in a fresh clone.</summary>
    public static string Footprint(MemoryResult mem, FootprintResult footprint)
    {
        static string Mb(long kb) => (kb / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);
        static string X(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);
        string Ratio(long kb, long baseKb) => $"{X(kb / (double)baseKb)}×";
        var b = mem.Baseline;
        var rows = new System.Text.StringBuilder();
        rows.AppendLine(CultureInfo.InvariantCulture, $"| bare ASP.NET app (baseline) | {Mb(b.Idle)} | {Mb(b.After)} | 1.00× |");
        rows.AppendLine(CultureInfo.InvariantCulture, $"| local sidecar (`dotnet`, JIT) | {Mb(mem.Sidecar.Idle)} | {Mb(mem.Sidecar.After)} | {Ratio(mem.Sidecar.After, b.After)} |");
        if (mem.NativeSidecar is { } native)
        {
            rows.AppendLine(CultureInfo.InvariantCulture, $"| local sidecar, native (`make sidecar-native`) | {Mb(native.Idle)} | {Mb(native.After)} | {Ratio(native.After, b.After)} |");
        }

        string Run(string title, RunFootprint run)
        {
            var lines = new System.Text.StringBuilder();
            lines.AppendLine(CultureInfo.InvariantCulture, $"{title}: **{run.SecondsToHealthy:0.0} s** from `make run` (built) to every app and sidecar healthy (median of {FootprintBench.BuiltStarts} starts); after {FootprintBench.Orders} orders:");
            lines.AppendLine();
            lines.AppendLine("| process | RSS MB | RSS, ratio to the bare app | PSS MB |");
            lines.AppendLine("|---|---|---|---|");
            foreach (var p in run.Processes)
            {
                lines.AppendLine(CultureInfo.InvariantCulture, $"| {p.Process} | {Mb(p.Kilobytes)} | {Ratio(p.Kilobytes, b.After)} | {Mb(p.ProportionalKilobytes)} |");
            }

            lines.AppendLine(CultureInfo.InvariantCulture, $"| **total** | **{Mb(run.TotalKilobytes)}** | | **{Mb(run.TotalProportionalKilobytes)}** |");
            lines.AppendLine(CultureInfo.InvariantCulture, $"| **total without the dashboard** (`DASHBOARD=0`) | **{Mb(run.SystemKilobytes)}** | | **{Mb(run.SystemProportionalKilobytes)}** |");
            return lines.ToString();
        }

        return $"""
            ## Footprint

            One sidecar process on `components/local`, idle once healthy and after {MemoryBench.Requests} state calls (save and get
            alternating); the baseline is a bare ASP.NET app measured the same way (after as many GETs):

            | process | idle RSS MB | after RSS MB | after, ratio to baseline |
            |---|---|---|---|
            {rows.ToString().TrimEnd()}

            Dapr publishes about 51 MB per sidecar. Under the runner the sidecars of all apps share one process: hosting 1
            sidecar {Mb(mem.OneHostedKilobytes)} MB, hosting {MemoryBench.SharedSidecars} {Mb(mem.ManyHostedKilobytes)} MB, so each additional sidecar costs
            **{mem.PerAdditionalHostedKilobytes / 1024.0:0.0} MB** ({X(mem.PerAdditionalHostedKilobytes / b.After)}× the bare app).

            `make run` in a fresh clone of the repository: **{footprint.FreshCloneSecondsToHealthy:0.0} s** from the clone to every app and
            sidecar healthy (restore and build included).

            RSS counts the pages of the .NET framework's files again in every process that maps them (most of a .NET app's
            resident set: a bare ASP.NET app is {Mb(b.After)} MB); PSS counts each shared page as a share, so the PSS total
            is what the machine holds.

            {Run("`make run`", footprint.Built).TrimEnd()}

            {(footprint.Native is { } n ? Run("`make run NATIVE=1`", n).TrimEnd() : "`make run NATIVE=1` not measured: no clang on this machine.")}
            """;
    }

    public static string Json(InvocationResult inv, PubSubResult ps, TransportResult transport, WorkflowResult workflows, ActorResult act, MemoryResult mem, FootprintResult footprint, OrderFlowResult orders, TracingCost tracing) => JsonSerializer.Serialize(new
    {
        measuredUtc = DateTime.UtcNow,
        invocation = new
        {
            inv.RequestsPerSecond,
            directP50Ms = inv.Direct.P50, directP99Ms = inv.Direct.P99,
            sidecarsP50Ms = inv.ViaSidecars.P50, sidecarsP99Ms = inv.ViaSidecars.P99,
            addedP50Ms = inv.AddedP50, addedP99Ms = inv.AddedP99,
        },
        pubsub = new
        {
            ps.EventsPerSecond,
            directP50Ms = ps.DirectPost.P50, directP99Ms = ps.DirectPost.P99,
            deliveryP50Ms = ps.PublishToDelivery.P50, deliveryP99Ms = ps.PublishToDelivery.P99,
            ps.ThroughputEvents, ps.PublishPerSecond, ps.DeliveredPerSecond,
        },
        workflows = new
        {
            workflows.PerSecond,
            workflowP50Ms = workflows.Workflow.P50, workflowP99Ms = workflows.Workflow.P99,
            threeInvocationsP50Ms = workflows.ThreeInvocations.P50, threeInvocationsP99Ms = workflows.ThreeInvocations.P99,
            workflows.ThroughputWorkflows, clients = WorkflowBench.Clients, workflows.WorkflowsPerSecond, workflows.InvocationRoundsPerSecond,
        },
        transport = new
        {
            transport.CallsPerSecond,
            saveHttpP50Ms = transport.SaveHttp.P50, saveHttpP99Ms = transport.SaveHttp.P99,
            saveGrpcP50Ms = transport.SaveGrpc.P50, saveGrpcP99Ms = transport.SaveGrpc.P99,
            getHttpP50Ms = transport.GetHttp.P50, getHttpP99Ms = transport.GetHttp.P99,
            getGrpcP50Ms = transport.GetGrpc.P50, getGrpcP99Ms = transport.GetGrpc.P99,
            getHttpBareP50Ms = transport.GetHttpBare.P50, getHttpBareP99Ms = transport.GetHttpBare.P99,
            getGrpcBareP50Ms = transport.GetGrpcBare.P50, getGrpcBareP99Ms = transport.GetGrpcBare.P99,
            deliveryHttpP50Ms = transport.DeliveryHttp.P50, deliveryHttpP99Ms = transport.DeliveryHttp.P99,
            deliveryGrpcP50Ms = transport.DeliveryGrpc.P50, deliveryGrpcP99Ms = transport.DeliveryGrpc.P99,
            transport.ThroughputCalls, callers = TransportBench.Callers, transport.GetsPerSecondHttp, transport.GetsPerSecondGrpc,
        },
        actors = new
        {
            act.RequestsPerSecond,
            invocationP50Ms = act.Invocation.P50, invocationP99Ms = act.Invocation.P99,
            activationP50Ms = act.Activation.P50, activationP99Ms = act.Activation.P99,
            daprPublishedActivationP99Ms = 6.89,
            act.ThroughputCalls, callers = ActorBench.Callers, actorIds = ActorBench.ActorIds,
            act.ActorCallsPerSecond, act.InvocationCallsPerSecond,
        },
        memory = new
        {
            requests = MemoryBench.Requests, sidecarRssKb = mem.Sidecar, nativeSidecarRssKb = mem.NativeSidecar, baselineRssKb = mem.Baseline,
            oneHostedRssKb = mem.OneHostedKilobytes, manyHostedRssKb = mem.ManyHostedKilobytes, hostedSidecars = MemoryBench.SharedSidecars,
            perAdditionalHostedKb = mem.PerAdditionalHostedKilobytes,
        },
        footprint = new
        {
            footprint.FreshCloneSecondsToHealthy,
            makeRun = new { footprint.Built.SecondsToHealthy, footprint.Built.Processes, footprint.Built.TotalKilobytes, footprint.Built.TotalProportionalKilobytes, footprint.Built.SystemProportionalKilobytes },
            makeRunNative = footprint.Native is { } native ? new { native.SecondsToHealthy, native.Processes, native.TotalKilobytes, native.TotalProportionalKilobytes, native.SystemProportionalKilobytes } : null,
            orders = FootprintBench.Orders,
        },
        orders = new
        {
            orders.OrdersPerSecond,
            invocationP50Ms = orders.Invocation.P50, invocationP99Ms = orders.Invocation.P99,
            acceptedP50Ms = orders.Accepted.P50, acceptedP99Ms = orders.Accepted.P99,
            confirmedP50Ms = orders.Confirmed.P50, confirmedP99Ms = orders.Confirmed.P99,
            clients = OrderFlowBench.Clients, orders.ThroughputOrders, orders.ConfirmedPerSecond,
            orders.ThroughputInvocations, orders.InvocationsPerSecond,
        },
        tracing = new
        {
            invocationOffP50Ms = tracing.Invocation.Off.P50, invocationOnP50Ms = tracing.Invocation.On.P50,
            invocationOffP99Ms = tracing.Invocation.Off.P99, invocationOnP99Ms = tracing.Invocation.On.P99,
            invocationOffPerSecond = tracing.Invocation.OffPerSecond, invocationSpansOnlyPerSecond = tracing.Invocation.SpansOnlyPerSecond,
            invocationOnPerSecond = tracing.Invocation.OnPerSecond,
            invocationSpansOnlyCost = tracing.Invocation.SpansOnlyCost, invocationOnCost = tracing.Invocation.OnCost,
            confirmedWithoutTelemetryP50Ms = tracing.OrdersWithoutTelemetry.Confirmed.P50,
            confirmedWithoutTelemetryP99Ms = tracing.OrdersWithoutTelemetry.Confirmed.P99,
            confirmedWithoutTelemetryPerSecond = tracing.OrdersWithoutTelemetry.ConfirmedPerSecond,
            confirmedOffP50Ms = tracing.OrdersOff.Confirmed.P50, confirmedOnP50Ms = tracing.OrdersOn.Confirmed.P50,
            confirmedOffP99Ms = tracing.OrdersOff.Confirmed.P99, confirmedOnP99Ms = tracing.OrdersOn.Confirmed.P99,
            confirmedOffPerSecond = tracing.OrdersOff.ConfirmedPerSecond, confirmedOnPerSecond = tracing.OrdersOn.ConfirmedPerSecond,
            dashboardCpuShareOff = tracing.OrdersOff.DashboardCpuShare, dashboardCpuShareOn = tracing.OrdersOn.DashboardCpuShare,
        },
    }, new JsonSerializerOptions { WriteIndented = true });
}
