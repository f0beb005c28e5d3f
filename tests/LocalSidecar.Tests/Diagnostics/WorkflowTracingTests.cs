using System.Diagnostics;
using Dapr.Workflow;
using LocalSidecar.Hosting;
using Sidecart.Testing;
using Sidecart.Testing.Telemetry;

namespace LocalSidecar.Tests.Diagnostics;

/// <summary>The workflow engine's spans as durabletask-go makes them, in the trace of the call that scheduled the
/// workflow, and the trace handed to the real Dapr.Workflow worker so that what an activity calls continues it.</summary>
public sealed class WorkflowTracingTests
{
    private const string TraceId = "5af7651916cd43dd8448eb211c80319c";
    private const string CallerSpan = "b7ad6b7169203331";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_workflow_scheduled_over_grpc_makes_create_orchestration_orchestration_activity_and_timer_spans_in_the_callers_trace_and_its_activity_continues_it()
    {
        await using var receiver = await OtlpReceiver.StartAsync(Ct);
        await using var callee = await RecordingApp.StartAsync();
        await using var system = await TracingSidecars.StartAsync(receiver.EndpointAddress);
        var sidecar = await system.StartAsync("traced-workflows", null);
        var calleeSidecar = await system.StartAsync("callee", callee.Port);
        var worker = system.Track(await StartWorkerAsync(sidecar));
        var instanceId = $"traced-{Guid.NewGuid():N}";

        // The app schedules the workflow while it handles a request of the caller's trace: the SDK sends that span as
        // grpc-trace-bin and traceparent metadata.
        using (StartCallerSpan())
        {
            await worker.Client.ScheduleNewWorkflowAsync(nameof(TracedWorkflow), instanceId, new Uri(sidecar.HttpEndpoint, "/v1.0/invoke/callee/method/hello").ToString(), startTime: null, Ct);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        var state = await worker.Client.WaitForWorkflowCompletionAsync(instanceId, cancellation: deadline.Token);
        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("200", state.ReadOutputAs<string>());
        TracingSidecars.Flush(sidecar, calleeSidecar);

        var spans = await TracingSidecars.SpansAsync(receiver, s => s.Any(x => x.Name == "orchestration||TracedWorkflow") && s.Any(x => x.ServiceName == "callee"), "the workflow's spans received");
        var inTrace = spans.Where(s => s.TraceId == TraceId).ToList();
        // The parent is the caller's span or the app's HttpClient span under it (which the app would export itself).
        var start = Assert.Single(inTrace, s => s.Name == "/TaskHubSidecarService/StartInstance");
        Assert.Equal(ReceivedSpan.Server, start.Kind);
        Assert.NotEqual("", start.ParentSpanId);

        var create = Assert.Single(inTrace, s => s.Name == "create_orchestration||TracedWorkflow");
        Assert.Equal((ReceivedSpan.Client, start.SpanId, "traced-workflows"), (create.Kind, create.ParentSpanId, create.ServiceName));
        Assert.Equal(("orchestration", "TracedWorkflow", instanceId), (create.Attributes["durabletask.type"], create.Attributes["durabletask.task.name"], create.Attributes["durabletask.task.instance_id"]));

        var orchestration = Assert.Single(inTrace, s => s.Name == "orchestration||TracedWorkflow");
        Assert.Equal((ReceivedSpan.Server, create.SpanId), (orchestration.Kind, orchestration.ParentSpanId));
        Assert.Equal(("orchestration", instanceId, "COMPLETED"), (orchestration.Attributes["durabletask.type"], orchestration.Attributes["durabletask.task.instance_id"], orchestration.Attributes["durabletask.runtime_status"]));

        var activity = Assert.Single(inTrace, s => s.Name == "activity||InvokeCalleeActivity");
        Assert.Equal((ReceivedSpan.Server, orchestration.SpanId), (activity.Kind, activity.ParentSpanId));
        Assert.Equal(("activity", "InvokeCalleeActivity", instanceId), (activity.Attributes["durabletask.type"], activity.Attributes["durabletask.task.name"], activity.Attributes["durabletask.task.instance_id"]));
        Assert.Equal("0", activity.Attributes["durabletask.task.task_id"]);

        var timer = Assert.Single(inTrace, s => s.Name == "timer");
        Assert.Equal((ReceivedSpan.Internal, orchestration.SpanId, "timer", "1"), (timer.Kind, timer.ParentSpanId, timer.Attributes["durabletask.type"], timer.Attributes["durabletask.task.task_id"]));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", timer.Attributes["durabletask.fire_at"]);

        // Dapr.Workflow ran the activity code under the activity span...
        var seen = InvokeCalleeActivity.Seen[instanceId];
        Assert.Equal((TraceId, activity.SpanId), (seen.TraceId, seen.ParentSpanId));
        // ...so the invocation it made continues the trace, through both sidecars to the callee app.
        // (Its parent is HttpClient's span under the activity code's span, which the app would export itself.)
        var invoke = Assert.Single(inTrace, s => s.Name == "CallLocal/callee/hello" && s.Kind == ReceivedSpan.Client);
        Assert.Equal("traced-workflows", invoke.ServiceName);
        Assert.DoesNotContain(spans, s => s.SpanId == invoke.ParentSpanId);
        Assert.NotEqual("", invoke.ParentSpanId);
        var served = Assert.Single(inTrace, s => s.Name == "CallLocal/callee/hello" && s.Kind == ReceivedSpan.Server);
        Assert.Equal(("callee", invoke.SpanId), (served.ServiceName, served.ParentSpanId));
        Assert.Contains(callee.Requests, r => r.Path == "/hello" && r.Traceparent == $"00-{TraceId}-{served.SpanId}-01");
    }

    [Fact]
    public async Task A_workflow_started_over_http_with_a_traceparent_is_created_under_the_http_api_span()
    {
        await using var receiver = await OtlpReceiver.StartAsync(Ct);
        await using var callee = await RecordingApp.StartAsync();
        await using var system = await TracingSidecars.StartAsync(receiver.EndpointAddress);
        var sidecar = await system.StartAsync("traced-workflows", null);
        await system.StartAsync("callee", callee.Port);
        var worker = system.Track(await StartWorkerAsync(sidecar));
        var instanceId = $"traced-{Guid.NewGuid():N}";

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(sidecar.HttpEndpoint, $"/v1.0/workflows/dapr/{nameof(TracedWorkflow)}/start?instanceID={instanceId}"))
        {
            Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(new Uri(sidecar.HttpEndpoint, "/v1.0/invoke/callee/method/hello").ToString()), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", $"00-{TraceId}-{CallerSpan}-01");
        using (var response = await http.SendAsync(request, Ct))
        {
            Assert.True(response.IsSuccessStatusCode, $"start answered {(int)response.StatusCode}");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        Assert.Equal(WorkflowRuntimeStatus.Completed, (await worker.Client.WaitForWorkflowCompletionAsync(instanceId, cancellation: deadline.Token)).RuntimeStatus);
        TracingSidecars.Flush(sidecar);

        var spans = await TracingSidecars.SpansAsync(receiver, s => s.Any(x => x.Name == "orchestration||TracedWorkflow"), "the workflow's spans received");
        var api = Assert.Single(spans, s => s.Name == $"/v1.0/workflows/dapr/{nameof(TracedWorkflow)}/start");
        Assert.Equal((TraceId, CallerSpan), (api.TraceId, api.ParentSpanId));
        var create = Assert.Single(spans, s => s.Name == "create_orchestration||TracedWorkflow");
        Assert.Equal((TraceId, api.SpanId), (create.TraceId, create.ParentSpanId));
        var orchestration = Assert.Single(spans, s => s.Name == "orchestration||TracedWorkflow");
        Assert.Equal((TraceId, create.SpanId), (orchestration.TraceId, orchestration.ParentSpanId));
        Assert.Equal(orchestration.SpanId, Assert.Single(spans, s => s.Name == "activity||InvokeCalleeActivity").ParentSpanId);
    }

    [Fact]
    public async Task A_child_workflow_runs_under_its_parents_orchestration_span()
    {
        await using var receiver = await OtlpReceiver.StartAsync(Ct);
        await using var callee = await RecordingApp.StartAsync();
        await using var system = await TracingSidecars.StartAsync(receiver.EndpointAddress);
        var sidecar = await system.StartAsync("traced-workflows", null);
        await system.StartAsync("callee", callee.Port);
        var worker = system.Track(await StartWorkerAsync(sidecar));
        var instanceId = $"parent-{Guid.NewGuid():N}";

        using (StartCallerSpan())
        {
            await worker.Client.ScheduleNewWorkflowAsync(nameof(ParentTracedWorkflow), instanceId, new Uri(sidecar.HttpEndpoint, "/v1.0/invoke/callee/method/hello").ToString(), startTime: null, Ct);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        Assert.Equal(WorkflowRuntimeStatus.Completed, (await worker.Client.WaitForWorkflowCompletionAsync(instanceId, cancellation: deadline.Token)).RuntimeStatus);
        TracingSidecars.Flush(sidecar);

        var spans = await TracingSidecars.SpansAsync(receiver, s => s.Any(x => x.Name == "orchestration||ParentTracedWorkflow"), "the workflow's spans received");
        var parent = Assert.Single(spans, s => s.Name == "orchestration||ParentTracedWorkflow");
        var child = Assert.Single(spans, s => s.Name == "orchestration||TracedWorkflow");
        Assert.Equal((TraceId, TraceId, parent.SpanId), (parent.TraceId, child.TraceId, child.ParentSpanId));
        Assert.NotEqual(instanceId, child.Attributes["durabletask.task.instance_id"]);
        Assert.Equal(child.SpanId, Assert.Single(spans, s => s.Name == "activity||InvokeCalleeActivity").ParentSpanId);
        Assert.DoesNotContain(spans, s => s.Name == "create_orchestration||TracedWorkflow");
    }

    [Fact]
    public async Task A_start_refused_over_http_marks_its_create_orchestration_span_error_and_one_refused_over_grpc_does_not()
    {
        await using var receiver = await OtlpReceiver.StartAsync(Ct);
        await using var system = await TracingSidecars.StartAsync(receiver.EndpointAddress);
        var sidecar = await system.StartAsync("traced-workflows", null);
        var instanceId = $"refused-{Guid.NewGuid():N}";
        var start = new Uri(sidecar.HttpEndpoint, $"/v1.0/workflows/dapr/{nameof(TracedWorkflow)}/start?instanceID={instanceId}");

        // No worker is connected: the first start stays pending, so both later ones find it running.
        using var http = new HttpClient();
        using (var first = await http.PostAsync(start, null, Ct))
        {
            Assert.True(first.IsSuccessStatusCode, $"the first start answered {(int)first.StatusCode}");
        }

        using (var again = await http.PostAsync(start, null, Ct))
        {
            Assert.False(again.IsSuccessStatusCode, "a second start of a running instance was accepted over http");
        }

        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(sidecar.GrpcEndpoint);
        var grpc = new Dapr.DurableTask.Protobuf.TaskHubSidecarService.TaskHubSidecarServiceClient(channel);
        await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () =>
            await grpc.StartInstanceAsync(new Dapr.DurableTask.Protobuf.CreateInstanceRequest { InstanceId = instanceId, Name = nameof(TracedWorkflow) }, cancellationToken: Ct));
        TracingSidecars.Flush(sidecar);

        var creates = (await TracingSidecars.SpansAsync(receiver, s => s.Count(x => x.Name == "create_orchestration||TracedWorkflow") == 3, "three create_orchestration spans received"))
            .Where(s => s.Name == "create_orchestration||TracedWorkflow")
            .ToList();
        Assert.All(creates, s => Assert.Equal(instanceId, s.Attributes["durabletask.task.instance_id"]));
        // OTLP's status codes: 0 unset, 2 error. The spans arrive in the order they ended.
        Assert.Equal([0, 2, 0], creates.Select(s => s.StatusCode));
    }

    [Fact]
    public async Task With_sampling_rate_zero_the_engine_sends_no_spans_and_the_activity_still_runs()
    {
        await using var receiver = await OtlpReceiver.StartAsync(Ct);
        await using var callee = await RecordingApp.StartAsync();
        await using var system = await TracingSidecars.StartAsync(receiver.EndpointAddress, rate: "0");
        var sidecar = await system.StartAsync("traced-workflows", null);
        var calleeSidecar = await system.StartAsync("callee", callee.Port);
        var worker = system.Track(await StartWorkerAsync(sidecar));
        var instanceId = $"untraced-{Guid.NewGuid():N}";

        await worker.Client.ScheduleNewWorkflowAsync(nameof(TracedWorkflow), instanceId, new Uri(sidecar.HttpEndpoint, "/v1.0/invoke/callee/method/hello").ToString(), startTime: null, Ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        var state = await worker.Client.WaitForWorkflowCompletionAsync(instanceId, cancellation: deadline.Token);
        Assert.Equal(("200", WorkflowRuntimeStatus.Completed), (state.ReadOutputAs<string>(), state.RuntimeStatus));
        TracingSidecars.Flush(sidecar, calleeSidecar);

        Assert.Equal(0, receiver.Requests);
    }

    private static Task<WorkflowWorker> StartWorkerAsync(Sidecar sidecar) => WorkflowWorker.StartAsync(sidecar, options =>
    {
        options.RegisterWorkflow<TracedWorkflow>();
        options.RegisterWorkflow<ParentTracedWorkflow>();
        options.RegisterActivity<InvokeCalleeActivity>();
    });

    /// <summary>The span of the app's own request handling, in the caller's trace, as ASP.NET Core would make it.</summary>
    private static Activity StartCallerSpan()
    {
        var span = new Activity("POST /orders");
        span.SetParentId(ActivityTraceId.CreateFromString(TraceId), ActivitySpanId.CreateFromString(CallerSpan), ActivityTraceFlags.Recorded);
        span.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        return span.Start();
    }
}
