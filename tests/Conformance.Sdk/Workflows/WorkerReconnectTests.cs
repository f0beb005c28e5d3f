using System.Net.Http.Json;
using System.Text.Json;
using Conformance.Sdk.Harness;
using Dapr.DurableTask.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace Conformance.Sdk.Workflows;

/// <summary>The work-item protocol spoken by hand, as a worker that drops its stream in the middle of an activity: the
/// activity is handed to the next worker under a new completion token, and a late answer on the old token is ignored.</summary>
public sealed class WorkerReconnectTests
{
    private const string Workflow = "HandWrittenWorkflow";

    [Fact]
    public async Task An_activity_of_a_dropped_stream_goes_to_the_next_worker_and_a_late_answer_on_the_old_token_is_ignored()
    {
        using var deadline = WorkflowApp.Deadline();
        await using var sidecar = await SdkSidecar.StartAsync("reconnecting-worker");
        using var channel = GrpcChannel.ForAddress(sidecar.GrpcEndpoint);
        var hub = new TaskHubSidecarService.TaskHubSidecarServiceClient(channel);
        var headers = new Metadata();
        if (sidecar.ApiToken is { Length: > 0 } token)
        {
            headers.Add("dapr-api-token", token);
        }

        using var http = new HttpClient { BaseAddress = sidecar.HttpEndpoint };
        var id = WorkflowApp.NewInstanceId("reconnect");

        using var firstStreamEnd = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        var first = hub.GetWorkItems(new GetWorkItemsRequest(), headers, cancellationToken: firstStreamEnd.Token);
        using (var start = await http.PostAsync($"/v1.0/workflows/dapr/{Workflow}/start?instanceID={id}", JsonContent.Create("in"), deadline.Token))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, start.StatusCode);
        }

        var turn = await NextAsync(first, deadline.Token);
        Assert.Equal(id, turn.WorkflowRequest.InstanceId);
        await hub.CompleteWorkflowTaskAsync(new WorkflowResponse
        {
            InstanceId = id,
            CompletionToken = turn.CompletionToken,
            Actions = { new WorkflowAction { Id = 0, ScheduleTask = new ScheduleTaskAction { Name = "Work", Input = "\"in\"" } } },
        }, headers, cancellationToken: deadline.Token);
        var activity = await NextAsync(first, deadline.Token);
        Assert.Equal(0, activity.ActivityRequest.TaskId);

        // The worker goes away mid-activity; the next one gets the activity again, under a new token.
        await firstStreamEnd.CancelAsync();
        first.Dispose();
        using var second = hub.GetWorkItems(new GetWorkItemsRequest(), headers, cancellationToken: deadline.Token);
        var again = await NextAsync(second, deadline.Token);
        Assert.Equal(id, again.ActivityRequest.WorkflowInstance.InstanceId);
        Assert.Equal(0, again.ActivityRequest.TaskId);
        Assert.NotEqual(activity.CompletionToken, again.CompletionToken);

        await hub.CompleteActivityTaskAsync(new ActivityResponse { InstanceId = id, TaskId = 0, Result = "\"stale\"", CompletionToken = activity.CompletionToken }, headers, cancellationToken: deadline.Token);
        await hub.CompleteActivityTaskAsync(new ActivityResponse { InstanceId = id, TaskId = 0, Result = "\"fresh\"", CompletionToken = again.CompletionToken }, headers, cancellationToken: deadline.Token);

        var last = await NextAsync(second, deadline.Token);
        var completed = Assert.Single(last.WorkflowRequest.NewEvents, e => e.EventTypeCase == HistoryEvent.EventTypeOneofCase.TaskCompleted);
        Assert.Equal("\"fresh\"", completed.TaskCompleted.Result);
        await hub.CompleteWorkflowTaskAsync(new WorkflowResponse
        {
            InstanceId = id,
            CompletionToken = last.CompletionToken,
            Actions = { new WorkflowAction { Id = 1, CompleteWorkflow = new CompleteWorkflowAction { WorkflowStatus = OrchestrationStatus.Completed, Result = completed.TaskCompleted.Result } } },
        }, headers, cancellationToken: deadline.Token);

        var done = await Poll.UntilAsync(() => http.GetFromJsonAsync<JsonElement>($"/v1.0/workflows/dapr/{id}", deadline.Token),
            body => body.GetProperty("runtimeStatus").GetString() == "COMPLETED", "the workflow to complete", WorkflowApp.Patience);
        Assert.Equal("\"fresh\"", done.GetProperty("properties").GetProperty("dapr.workflow.output").GetString());
        var history = await hub.GetInstanceHistoryAsync(new GetInstanceHistoryRequest { InstanceId = id }, headers, cancellationToken: deadline.Token);
        Assert.Single(history.Events, e => e.EventTypeCase == HistoryEvent.EventTypeOneofCase.TaskCompleted);
    }

    private static async Task<WorkItem> NextAsync(AsyncServerStreamingCall<WorkItem> stream, CancellationToken cancellation)
    {
        Assert.True(await stream.ResponseStream.MoveNext(cancellation), "the work-item stream ended");
        return stream.ResponseStream.Current;
    }
}
