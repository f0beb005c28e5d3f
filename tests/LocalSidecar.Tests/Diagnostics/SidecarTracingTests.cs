using System.Diagnostics;
using LocalSidecar.Diagnostics;
using LocalSidecar.Hosting;
using Sidecart.Testing;
using Sidecart.Testing.Telemetry;

namespace LocalSidecar.Tests.Diagnostics;

/// <summary>daprd's spans from in-process sidecars, received by an OTLP collector the test starts.</summary>
public sealed class SidecarTracingTests
{
    private const string AppSpan = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_invocation_through_two_sidecars_is_one_trace_with_a_span_from_each_sidecar_and_the_app_under_the_callee_span()
    {
        await using var receiver = await OtlpReceiver.StartAsync(Ct);
        await using var app = await RecordingApp.StartAsync();
        await using var system = await TracingSidecars.StartAsync(receiver.EndpointAddress);
        var caller = await system.StartAsync("caller", null);
        var callee = await system.StartAsync("callee", app.Port);

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(caller.HttpEndpoint, "/v1.0/invoke/callee/method/hello"));
        request.Headers.Add("traceparent", AppSpan);
        using var response = await http.SendAsync(request, Ct);
        Assert.True(response.IsSuccessStatusCode, $"invoke answered {(int)response.StatusCode}");
        TracingSidecars.Flush(caller, callee);

        var spans = await TracingSidecars.SpansAsync(receiver, s => s.Count >= 2, "2 spans received");
        var client = Assert.Single(spans, s => s.ServiceName == "caller");
        var server = Assert.Single(spans, s => s.ServiceName == "callee");
        Assert.Equal(("CallLocal/callee/hello", ReceivedSpan.Client, TraceId, "00f067aa0ba902b7"), (client.Name, client.Kind, client.TraceId, client.ParentSpanId));
        Assert.Equal(("CallLocal/callee/hello", ReceivedSpan.Server, TraceId, client.SpanId), (server.Name, server.Kind, server.TraceId, server.ParentSpanId));
        Assert.Equal("dapr-diagnostics", client.Scope);
        Assert.Equal("ServiceInvocation", client.Attributes["rpc.service"]);
        Assert.Equal("callee", client.Attributes["net.peer.name"]);
        Assert.Equal("hello", server.Attributes["dapr.invoke_method"]);
        // The app's request is a direct child of the callee sidecar's span.
        var (_, traceparent) = Assert.Single(app.Requests, r => r.Path == "/hello");
        Assert.Equal($"00-{TraceId}-{server.SpanId}-01", traceparent);
        // The caller gets daprd's own span back.
        Assert.Equal($"00-{TraceId}-{client.SpanId}-01", response.Headers.GetValues("traceparent").Single());
    }

    [Fact]
    public async Task The_sidecars_own_http_calls_start_no_activity_of_httpclient_under_its_spans()
    {
        // HttpClient's diagnostics handler would start a span of its own under each sidecar span, for every hop and
        // every call to the app: daprd has none, and the sidecar sets traceparent itself.
        var underSidecarSpans = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = activity =>
            {
                if (activity.Parent?.Source.Name == SidecarTracing.ScopeName)
                {
                    underSidecarSpans.Add(activity.OperationName);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var receiver = await OtlpReceiver.StartAsync(Ct);
        await using var app = await RecordingApp.StartAsync();
        await using var system = await TracingSidecars.StartAsync(receiver.EndpointAddress);
        var caller = await system.StartAsync("caller", null);
        await system.StartAsync("callee", app.Port);

        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(caller.HttpEndpoint, "/v1.0/invoke/callee/method/hello"), null, Ct);

        Assert.True(response.IsSuccessStatusCode, $"invoke answered {(int)response.StatusCode}");
        Assert.Single(app.Requests, r => r.Path == "/hello");
        Assert.Empty(underSidecarSpans);
    }

    [Fact]
    public async Task The_batch_span_processor_takes_opentelemetrys_bsp_variables_as_daprds_sdk_does()
    {
        // One span per export and a minute between scheduled exports: each span goes out at once, with no flush.
        var environment = new Dictionary<string, string> { ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"] = "1", ["OTEL_BSP_SCHEDULE_DELAY"] = "60000" };
        await using var receiver = await OtlpReceiver.StartAsync(Ct);
        await using var app = await RecordingApp.StartAsync();
        await using var system = await TracingSidecars.StartAsync(receiver.EndpointAddress, environment: environment);
        var caller = await system.StartAsync("caller", null);
        await system.StartAsync("callee", app.Port);

        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(caller.HttpEndpoint, "/v1.0/invoke/callee/method/hello"), null, Ct);
        Assert.True(response.IsSuccessStatusCode, $"invoke answered {(int)response.StatusCode}");

        var spans = await TracingSidecars.SpansAsync(receiver, s => s.Count >= 2, "both sidecars' spans, unflushed");
        Assert.Equal(["callee", "caller"], spans.Select(s => s.ServiceName).Order());
    }

    [Theory]
    [InlineData(null, null, null, null, 2048, 512, 5000, 30000)]
    [InlineData("100", "10", "200", "1000", 100, 10, 200, 1000)]
    [InlineData("100", "500", "0", "soon", 100, 100, 5000, 30000)]
    [InlineData("1000", "2000", null, null, 1000, 512, 5000, 30000)]
    public void Batch_settings_come_from_the_bsp_variables_with_the_sdks_defaults(
        string? queue, string? batch, string? delay, string? timeout, int expectedQueue, int expectedBatch, int expectedDelay, int expectedTimeout)
    {
        var variables = new Dictionary<string, string?>
        {
            ["OTEL_BSP_MAX_QUEUE_SIZE"] = queue, ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"] = batch,
            ["OTEL_BSP_SCHEDULE_DELAY"] = delay, ["OTEL_BSP_EXPORT_TIMEOUT"] = timeout,
        };

        Assert.Equal(new BatchSpanSettings(expectedQueue, expectedBatch, expectedDelay, expectedTimeout), BatchSpanSettings.From(name => variables.GetValueOrDefault(name)));
    }

    [Fact]
    public void A_bsp_variable_that_is_not_a_positive_whole_number_is_reported_with_the_default_used_instead()
    {
        var variables = new Dictionary<string, string?>
        {
            ["OTEL_BSP_MAX_QUEUE_SIZE"] = "100", ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"] = "-5",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "0", ["OTEL_BSP_EXPORT_TIMEOUT"] = "soon",
        };
        var ignored = new List<(string Name, string Value, int Default)>();

        var settings = BatchSpanSettings.From(name => variables.GetValueOrDefault(name), (name, value, fallback) => ignored.Add((name, value, fallback)));

        Assert.Equal(new BatchSpanSettings(100, 100, 5000, 30000), settings);
        Assert.Equal(
            [("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "-5", 512), ("OTEL_BSP_SCHEDULE_DELAY", "0", 5000), ("OTEL_BSP_EXPORT_TIMEOUT", "soon", 30000)],
            ignored);
    }

    [Fact]
    public async Task A_sidecar_logs_the_bsp_variable_it_ignores()
    {
        await using var receiver = await OtlpReceiver.StartAsync(Ct);
        var logs = new CapturedLogs();
        using var loggers = logs.Factory;
        await using var system = await TracingSidecars.StartAsync(
            receiver.EndpointAddress, environment: new Dictionary<string, string> { ["OTEL_BSP_EXPORT_TIMEOUT"] = "soon" }, loggers: loggers);

        await system.StartAsync("caller", null);

        Assert.Contains("OTEL_BSP_EXPORT_TIMEOUT=\"soon\" is not a positive whole number: the default 30000 is used", logs.Messages);
    }

    [Fact]
    public async Task A_published_event_continues_the_publishers_trace_in_the_subscribers_delivery_span()
    {
        await using var receiver = await OtlpReceiver.StartAsync(Ct);
        await using var app = await RecordingApp.StartAsync();
        await using var system = await TracingSidecars.StartAsync(receiver.EndpointAddress);
        var publisher = await system.StartAsync("publisher", null);
        var subscriber = await system.StartAsync("subscriber", app.Port);

        using var http = new HttpClient();
        var delivered = await Eventually.UntilAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(publisher.HttpEndpoint, $"/v1.0/publish/pubsub/{RecordingApp.Topic}"))
            {
                Content = new StringContent("""{"orderId":"o-1"}""", System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("traceparent", AppSpan);
            using var response = await http.SendAsync(request, Ct);
            Assert.True(response.IsSuccessStatusCode, $"publish answered {(int)response.StatusCode}");
            // The subscription opens once the app is healthy; until then the in-memory broker has no subscriber.
            await Task.Delay(200, Ct);
            return app.Requests.Where(r => r.Path == "/events").ToList();
        }, d => d.Count > 0, "the event delivered", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(10));
        TracingSidecars.Flush(publisher, subscriber);

        // Publishes made before the subscription opened reached no one: the delivered event is the one whose span the
        // delivery span continues. The delivery span ends after the app's answer, so it may come with the next batch.
        var spans = await Eventually.UntilAsync(() => Task.FromResult(receiver.Spans),
            s => s.Any(x => x.ServiceName == "subscriber" && x.Name == $"pubsub/{RecordingApp.Topic}"), "the delivery span", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20));
        var delivery = spans.First(s => s.ServiceName == "subscriber" && s.Name == $"pubsub/{RecordingApp.Topic}");
        var publish = Assert.Single(spans, s => s.SpanId == delivery.ParentSpanId);
        Assert.Equal(("publisher", $"/v1.0/publish/pubsub/{RecordingApp.Topic}"), (publish.ServiceName, publish.Name));
        Assert.Equal((ReceivedSpan.Client, TraceId, "00f067aa0ba902b7"), (publish.Kind, publish.TraceId, publish.ParentSpanId));
        Assert.Equal("pubsub", publish.Attributes["messaging.system"]);
        Assert.Equal((ReceivedSpan.Client, TraceId), (delivery.Kind, delivery.TraceId));
        Assert.Equal(RecordingApp.Topic, delivery.Attributes["messaging.destination.name"]);
        Assert.NotEmpty(delivered);
        Assert.Contains(app.Requests, d => d.Path == "/events" && d.Traceparent == $"00-{TraceId}-{delivery.SpanId}-01");
    }

    [Fact]
    public async Task Sampling_rate_zero_sends_nothing_and_hands_the_callers_traceparent_to_the_app_unchanged()
    {
        await using var receiver = await OtlpReceiver.StartAsync(Ct);
        await using var app = await RecordingApp.StartAsync();
        await using var system = await TracingSidecars.StartAsync(receiver.EndpointAddress, rate: "0");
        var caller = await system.StartAsync("caller", null);
        var callee = await system.StartAsync("callee", app.Port);

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(caller.HttpEndpoint, "/v1.0/invoke/callee/method/hello"));
        request.Headers.Add("traceparent", AppSpan);
        using var response = await http.SendAsync(request, Ct);
        Assert.True(response.IsSuccessStatusCode);
        TracingSidecars.Flush(caller, callee);
        await caller.DisposeAsync();
        await callee.DisposeAsync();

        Assert.Equal(0, receiver.Requests);
        Assert.Equal(AppSpan, Assert.Single(app.Requests, r => r.Path == "/hello").Traceparent);
    }

    [Fact]
    public async Task An_unreachable_collector_costs_nothing_visible()
    {
        await using var app = await RecordingApp.StartAsync();
        await using var system = await TracingSidecars.StartAsync($"127.0.0.1:{FreePort.Next()}");
        var caller = await system.StartAsync("caller", null);
        await system.StartAsync("callee", app.Port);

        using var http = new HttpClient();
        for (var i = 0; i < 20; i++)
        {
            using var response = await http.PostAsync(new Uri(caller.HttpEndpoint, "/v1.0/invoke/callee/method/hello"), null, Ct);
            Assert.True(response.IsSuccessStatusCode, $"call {i} answered {(int)response.StatusCode}");
        }

        Assert.True(caller.Context.Telemetry.Tracing.ForceFlush(), "flushing to a closed port fails in the background, not the calls");
        Assert.Equal(20, app.Requests.Count(r => r.Path == "/hello"));
    }

    [Fact]
    public async Task Each_sidecar_of_one_process_exports_only_its_own_spans_under_its_own_service_name()
    {
        await using var first = await OtlpReceiver.StartAsync(Ct);
        await using var second = await OtlpReceiver.StartAsync(Ct);
        await using var app = await RecordingApp.StartAsync();
        await using var one = await TracingSidecars.StartAsync(first.EndpointAddress);
        await using var two = await TracingSidecars.StartAsync(second.EndpointAddress);
        var a = await one.StartAsync("app-a", null);
        var b = await two.StartAsync("app-b", null);

        using var http = new HttpClient();
        (await http.GetAsync(new Uri(a.HttpEndpoint, "/v1.0/metadata"), Ct)).Dispose();
        (await http.GetAsync(new Uri(b.HttpEndpoint, "/v1.0/metadata"), Ct)).Dispose();
        TracingSidecars.Flush(a, b);

        Assert.All(await TracingSidecars.SpansAsync(first, s => s.Count >= 1, "a span received"), s => Assert.Equal("app-a", s.ServiceName));
        Assert.All(await TracingSidecars.SpansAsync(second, s => s.Count >= 1, "a span received"), s => Assert.Equal("app-b", s.ServiceName));
        Assert.Contains(first.Spans, s => s.Name == "/v1.0/metadata" && s.Attributes["dapr.protocol"] == "http" && s.Attributes["dapr.status_code"] == "200");
    }
}
