using System.Net;
using System.Text.Json.Nodes;
using Conformance.Sdk.Harness;
using Conformance.Sdk.Workflows.TestWorkflows;
using Dapr.Workflow;
using Grpc.Core;

namespace Conformance.Sdk.Workflows;

/// <summary>Managing running instances through <see cref="DaprWorkflowClient"/>: suspend and resume, terminate,
/// purge.</summary>
[Collection(WorkflowsCollection.Name)]
public sealed class WorkflowManagementTests(WorkflowApp workflows)
{
    /// <summary>daprd keeps delivering events to a suspended instance and the SDK holds them back until it is
    /// resumed, so nothing after the wait may run while suspended.</summary>
    [Fact]
    public async Task An_event_raised_while_suspended_is_consumed_only_after_resume()
    {
        using var deadline = WorkflowApp.Deadline();
        var id = WorkflowApp.NewInstanceId("suspended");

        await workflows.StartAsync(nameof(AwaitEventWorkflow), id, "paused", deadline.Token);
        await workflows.Client.SuspendWorkflowAsync(id, "testing suspension", deadline.Token);
        Assert.Equal(WorkflowRuntimeStatus.Suspended, (await workflows.Client.GetWorkflowStateAsync(id, cancellation: deadline.Token)).RuntimeStatus);

        await workflows.Client.RaiseEventAsync(id, AwaitEventWorkflow.Proceed, "while suspended", deadline.Token);
        await Poll.HoldsThroughoutAsync(
            async () => (await workflows.Client.GetWorkflowStateAsync(id, cancellation: deadline.Token)).RuntimeStatus == WorkflowRuntimeStatus.Suspended
                && workflows.Probe.Count(id, nameof(NoteActivity)) == 0,
            "the workflow to stay suspended without getting past its wait", TimeSpan.FromSeconds(2));

        await workflows.Client.ResumeWorkflowAsync(id, "testing resumption", deadline.Token);
        var state = await workflows.CompletionAsync(id, deadline.Token);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal(AwaitEventWorkflow.OutputFor("paused", "while suspended"), state.ReadOutputAs<string>());
        Assert.Equal(AwaitEventWorkflow.NoteFor("while suspended"), Assert.Single(workflows.Probe.Runs(id, nameof(NoteActivity))).Input);
    }

    [Fact]
    public async Task Terminating_a_workflow_waiting_on_an_event_ends_it_without_output_and_terminating_it_again_is_no_error()
    {
        using var deadline = WorkflowApp.Deadline();
        var id = WorkflowApp.NewInstanceId("terminated");

        await workflows.StartAsync(nameof(AwaitEventWorkflow), id, "doomed", deadline.Token);
        await workflows.Client.TerminateWorkflowAsync(id, cancellation: deadline.Token);
        var state = await workflows.CompletionAsync(id, deadline.Token);

        Assert.Equal(WorkflowRuntimeStatus.Terminated, state.RuntimeStatus);
        Assert.Null(state.ReadOutputAs<string>());
        Assert.Null(state.FailureDetails);

        await workflows.Client.TerminateWorkflowAsync(id, cancellation: deadline.Token);
        // daprd accepts an event for a finished instance and drops it.
        await workflows.Client.RaiseEventAsync(id, AwaitEventWorkflow.Proceed, "too late", deadline.Token);
        await Poll.HoldsThroughoutAsync(
            async () => (await workflows.Client.GetWorkflowStateAsync(id, cancellation: deadline.Token)).RuntimeStatus == WorkflowRuntimeStatus.Terminated
                && workflows.Probe.Count(id, nameof(NoteActivity)) == 0,
            "the workflow to stay terminated", TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Purging_a_completed_workflow_deletes_it_for_the_SDK_and_the_HTTP_API()
    {
        using var deadline = WorkflowApp.Deadline();
        var id = WorkflowApp.NewInstanceId("purged");
        await workflows.StartAsync(nameof(ChainWorkflow), id, "purge me", deadline.Token);
        Assert.Equal(WorkflowRuntimeStatus.Completed, (await workflows.CompletionAsync(id, deadline.Token)).RuntimeStatus);

        Assert.True(await workflows.Client.PurgeInstanceAsync(id, deadline.Token));

        Assert.False((await workflows.Client.GetWorkflowStateAsync(id, cancellation: deadline.Token)).Exists);
        using var http = workflows.CreateHttpClient();
        using var response = await http.GetAsync($"/v1.0/workflows/dapr/{id}", deadline.Token);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(deadline.Token))!;
        Assert.Equal("ERR_INSTANCE_ID_NOT_FOUND", error["errorCode"]?.GetValue<string>());
    }

    [Fact]
    public async Task Purging_a_running_workflow_is_an_error_that_leaves_it_running()
    {
        using var deadline = WorkflowApp.Deadline();
        var id = WorkflowApp.NewInstanceId("purge-running");
        await workflows.StartAsync(nameof(AwaitEventWorkflow), id, "still needed", deadline.Token);

        await Assert.ThrowsAsync<RpcException>(() => workflows.Client.PurgeInstanceAsync(id, deadline.Token));

        var state = await workflows.Client.GetWorkflowStateAsync(id, cancellation: deadline.Token);
        Assert.Equal(WorkflowRuntimeStatus.Running, state.RuntimeStatus);
        await workflows.Client.RaiseEventAsync(id, AwaitEventWorkflow.Proceed, "afterwards", deadline.Token);
        Assert.Equal(AwaitEventWorkflow.OutputFor("still needed", "afterwards"), (await workflows.CompletionAsync(id, deadline.Token)).ReadOutputAs<string>());
    }

    [Fact]
    public async Task Purging_an_unknown_instance_is_an_error()
    {
        using var deadline = WorkflowApp.Deadline();

        await Assert.ThrowsAsync<RpcException>(() => workflows.Client.PurgeInstanceAsync(WorkflowApp.NewInstanceId("never-started"), deadline.Token));
    }

    /// <summary>daprd answers NotFound only for the history of an unknown instance; for the other operations an unknown
    /// instance is a plain engine error (Unknown).</summary>
    [Fact]
    public async Task An_unknown_instance_is_NotFound_for_its_history_and_Unknown_for_a_raised_event()
    {
        using var deadline = WorkflowApp.Deadline();
        var id = WorkflowApp.NewInstanceId("never-started");

        var history = await Assert.ThrowsAsync<RpcException>(() => workflows.RawHistoryAsync(id, deadline.Token));
        Assert.Equal(StatusCode.NotFound, history.StatusCode);
        Assert.Equal($"workflow instance '{id}' not found", history.Status.Detail);
        var raise = await Assert.ThrowsAsync<RpcException>(() => workflows.Client.RaiseEventAsync(id, "anything", "data", deadline.Token));
        Assert.Equal(StatusCode.Unknown, raise.StatusCode);
        Assert.Equal("no such instance exists", raise.Status.Detail);
    }
}
