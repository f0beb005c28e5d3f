using System.Net.Http.Json;
using System.Text.Json;
using Sidecart.Testing;
using Sidecart.Testing.Telemetry;

namespace EndToEnd;

/// <summary>
/// One placed order is one trace: the system of <c>dapr.yaml</c> exports every app's and every sidecar's spans to an
/// OTLP/gRPC collector the test starts, and the spans of the order's trace come from ordering, its sidecar and its
/// workflow, from catalog, inventory and payments and their sidecars, and from the delivery of the published event,
/// each under its caller. A system of its own, in the shared collection so that it never runs beside the shared one.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class OrderTraceTests
{
    private const string TraceId = "7bba9f33312b3dbb8b2c2c62bb7abe2d";
    private const string ClientSpan = "0e5ed1ca55ab6d6c";
    private const string SidecarScope = "dapr-diagnostics";
    private static readonly string[] CalledApps = ["catalog", "inventory", "payments"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_placed_order_is_one_trace_across_every_app_and_sidecar_on_its_path_with_correct_parents()
    {
        await using var receiver = await OtlpReceiver.StartAsync(Ct);
        await using var system = await SidecartSystem.StartAsync(new SidecartSystemOptions
        {
            Configuration = SystemFixture.BuildConfiguration,
            TempFolder = "sidecart-e2e-trace",
            OtlpEndpoint = $"127.0.0.1:{receiver.GrpcPort}",
            SidecarEnv = new Dictionary<string, string> { ["OTEL_BSP_SCHEDULE_DELAY"] = "200" },
        }, Ct);
        using var ordering = new HttpClient { BaseAddress = system.AppEndpoint("ordering"), Timeout = TimeSpan.FromSeconds(30) };

        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders")
        {
            Content = JsonContent.Create(new { customerId = "c-traced", items = new[] { new { sku = "HEADLAMP-400", quantity = 1 } } }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        request.Headers.Add("traceparent", $"00-{TraceId}-{ClientSpan}-01");
        using var accepted = await ordering.SendAsync(request, Ct);
        var body = await accepted.Content.ReadAsStringAsync(Ct);
        Assert.True(accepted.IsSuccessStatusCode, $"POST /orders: {(int)accepted.StatusCode} {body}");
        var orderId = JsonDocument.Parse(body).RootElement.GetProperty("orderId").GetString()!;
        await Eventually.UntilAsync(
            async () => (await ordering.GetFromJsonAsync<JsonElement>($"/orders/{orderId}", Ct)).GetProperty("status").GetString(),
            status => status is "Confirmed" or "Shipped", $"order {orderId} to be confirmed", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));

        // The orchestration span is exported when the workflow ends, a server span after its app answered: wait until
        // every expected span and every parent of the called apps' spans came in (then judge what came, if not).
        List<ReceivedSpan> Received() => receiver.Spans.Where(s => s.TraceId == TraceId).ToList();
        static bool Complete(List<ReceivedSpan> s) =>
            s.Any(x => x.Name == "orchestration||OrderWorkflow") && s.Any(x => x.Name == "pubsub/orders")
            && CalledApps.All(app => s.Any(x => x.ServiceName == app && x.Scope == SidecarScope && x.Kind == ReceivedSpan.Server)
                && s.Where(x => x.ServiceName == app && x.Scope != SidecarScope && x.Kind == ReceivedSpan.Server).ToList() is { Count: > 0 } handled
                && handled.All(h => s.Any(x => x.SpanId == h.ParentSpanId)))
            && s.Where(x => x.Scope == SidecarScope).All(x => Reaches(s, x, ClientSpan));
        List<ReceivedSpan> spans;
        try
        {
            spans = await Eventually.UntilAsync(() => Task.FromResult(Received()), Complete, "the order's spans from every app and sidecar", TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
        }
        catch (TimeoutException)
        {
            spans = Received();
        }

        var byId = spans.GroupBy(s => s.SpanId).ToDictionary(g => g.Key, g => g.First());
        string Describe(ReceivedSpan s) => $"{s.ServiceName}/{s.Scope}: {s.Name}";
        bool Under(ReceivedSpan span, ReceivedSpan ancestor)
        {
            for (var current = span; byId.TryGetValue(current.ParentSpanId, out var parent); current = parent)
            {
                if (parent.SpanId == ancestor.SpanId)
                {
                    return true;
                }
            }

            return false;
        }

        var context = $"the trace's spans:{Environment.NewLine}{string.Join(Environment.NewLine, spans.Select(s => $"{s.SpanId} <- {s.ParentSpanId}  {Describe(s)}"))}";

        // ordering's request span is the root under the client's span; its sidecar schedules the workflow under it.
        var root = Assert.Single(spans, s => s.ServiceName == "ordering" && s.Scope != SidecarScope && s.ParentSpanId == ClientSpan);
        var create = Assert.Single(spans, s => s.Name == "create_orchestration||OrderWorkflow");
        Assert.True(create.ServiceName == "ordering" && create.Scope == SidecarScope && Under(create, root), $"create_orchestration under {Describe(root)}; {context}");
        var orchestration = Assert.Single(spans, s => s.Name == "orchestration||OrderWorkflow");
        Assert.Equal(create.SpanId, orchestration.ParentSpanId);
        var activities = spans.Where(s => s.Name.StartsWith("activity||", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(activities);
        Assert.All(activities, a => Assert.Equal(orchestration.SpanId, a.ParentSpanId));

        // Each app the saga calls: its sidecar's server span and the app's own span under it, both under the workflow.
        foreach (var app in CalledApps)
        {
            var served = spans.Where(s => s.ServiceName == app && s.Scope == SidecarScope && s.Kind == ReceivedSpan.Server).ToList();
            Assert.True(served.Count > 0 && served.All(s => Under(s, orchestration)), $"{app}'s sidecar served the saga under its workflow; {context}");
            var handled = spans.Where(s => s.ServiceName == app && s.Scope != SidecarScope && s.Kind == ReceivedSpan.Server).ToList();
            Assert.True(handled.Count > 0 && handled.All(h => served.Any(s => s.SpanId == h.ParentSpanId)), $"{app}'s own spans are children of its sidecar's; {context}");
        }

        // The order's status event: published by ordering's sidecar, delivered by the subscriber's, in the same trace.
        var delivery = spans.First(s => s.Name == "pubsub/orders");
        Assert.True(Under(delivery, orchestration), $"the delivery of the order's event under its workflow; {context}");

        // Every span the sidecars made for this order hangs under the order's root.
        Assert.All(spans.Where(s => s.Scope == SidecarScope), s => Assert.True(Under(s, root), $"{Describe(s)} under the order's request; {context}"));
    }

    /// <summary>Whether following <paramref name="span"/>'s parents through <paramref name="spans"/> ends at
    /// <paramref name="rootParent"/>, the client's span that no collector receives.</summary>
    private static bool Reaches(List<ReceivedSpan> spans, ReceivedSpan span, string rootParent)
    {
        for (var current = span; ; )
        {
            if (current.ParentSpanId == rootParent)
            {
                return true;
            }

            var parent = spans.FirstOrDefault(x => x.SpanId == current.ParentSpanId);
            if (parent is null)
            {
                return false;
            }

            current = parent;
        }
    }
}
