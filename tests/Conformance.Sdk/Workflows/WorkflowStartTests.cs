using Conformance.Sdk.Workflows.TestWorkflows;
using Dapr.Workflow;
using Grpc.Core;
using static Dapr.Workflow.Client.WorkflowHistoryEventType;

namespace Conformance.Sdk.Workflows;

/// <summary><c>ScheduleNewWorkflowAsync</c> with an instance id already in use, with a workflow the app does not
/// have, and with an input larger than the sidecar accepts.</summary>
[Collection(WorkflowsCollection.Name)]
public sealed class WorkflowStartTests(WorkflowApp workflows)
{
    /// <summary>The SDK rethrows daprd's gRPC status as it is (not wrapped in a DaprException).</summary>
    [Fact]
    public async Task Starting_an_id_that_is_running_is_AlreadyExists_and_starting_it_after_it_completed_is_a_fresh_run()
    {
        using var deadline = WorkflowApp.Deadline();
        var id = WorkflowApp.NewInstanceId("reused");
        await workflows.StartAsync(nameof(AwaitEventWorkflow), id, "first run", deadline.Token);

        var duplicate = await Assert.ThrowsAsync<RpcException>(() => workflows.StartAsync(nameof(AwaitEventWorkflow), id, "duplicate", deadline.Token));
        Assert.Equal(StatusCode.AlreadyExists, duplicate.StatusCode);
        Assert.Equal($"an active workflow with ID '{id}' already exists", duplicate.Status.Detail);

        await workflows.Client.RaiseEventAsync(id, AwaitEventWorkflow.Proceed, "one", deadline.Token);
        Assert.Equal(AwaitEventWorkflow.OutputFor("first run", "one"), (await workflows.CompletionAsync(id, deadline.Token)).ReadOutputAs<string>());

        await workflows.StartAsync(nameof(AwaitEventWorkflow), id, "second run", deadline.Token);
        var rerun = await workflows.Client.GetWorkflowStateAsync(id, cancellation: deadline.Token);
        Assert.Equal(WorkflowRuntimeStatus.Running, rerun.RuntimeStatus);
        Assert.Equal("second run", rerun.ReadInputAs<string>());
        Assert.Null(rerun.ReadOutputAs<string>());
        var history = await workflows.Client.GetInstanceHistoryAsync(id, deadline.Token);
        Assert.Single(history, e => e.EventType == ExecutionStarted);
        Assert.DoesNotContain(history, e => e.EventType is EventRaised or TaskScheduled or ExecutionCompleted);

        await workflows.Client.RaiseEventAsync(id, AwaitEventWorkflow.Proceed, "two", deadline.Token);
        Assert.Equal(AwaitEventWorkflow.OutputFor("second run", "two"), (await workflows.CompletionAsync(id, deadline.Token)).ReadOutputAs<string>());
        Assert.Equal(
            [AwaitEventWorkflow.NoteFor("one"), AwaitEventWorkflow.NoteFor("two")],
            workflows.Probe.Runs(id, nameof(NoteActivity)).Select(r => r.Input));
    }

    /// <summary>The sidecar does not know which workflows an app has: the worker answers the first turn with a
    /// failure.</summary>
    [Fact]
    public async Task Starting_a_workflow_the_app_has_not_registered_fails_it_with_WorkflowNotFound()
    {
        const string name = "NoSuchWorkflow";
        using var deadline = WorkflowApp.Deadline();
        var id = WorkflowApp.NewInstanceId("unregistered");

        await workflows.StartAsync(name, id, "anything", deadline.Token);
        var state = await workflows.CompletionAsync(id, deadline.Token);

        Assert.Equal(WorkflowRuntimeStatus.Failed, state.RuntimeStatus);
        Assert.Equal(name, state.WorkflowName);
        var failure = Assert.IsType<WorkflowTaskFailureDetails>(state.FailureDetails);
        Assert.Equal("WorkflowNotFound", failure.ErrorType);
        Assert.Equal($"Workflow '{name}' is not registered in this app.", failure.ErrorMessage);
        Assert.Null(state.ReadOutputAs<string>());
    }

    /// <summary>daprd's default <c>--max-body-size</c> (4 MiB) bounds gRPC messages: a larger start request is refused
    /// before it reaches the engine, no instance is created, and the next start works.</summary>
    [Fact]
    public async Task An_input_over_the_message_size_limit_is_refused_with_ResourceExhausted_and_nothing_is_created()
    {
        using var deadline = WorkflowApp.Deadline();
        var id = WorkflowApp.NewInstanceId("oversized");

        var refused = await Assert.ThrowsAsync<RpcException>(() => workflows.StartAsync(nameof(AwaitEventWorkflow), id, new string('x', 5 * 1024 * 1024), deadline.Token));

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.False((await workflows.Client.GetWorkflowStateAsync(id, cancellation: deadline.Token)).Exists);
        var next = WorkflowApp.NewInstanceId("after-oversized");
        await workflows.StartAsync(nameof(AwaitEventWorkflow), next, "small", deadline.Token);
        await workflows.Client.RaiseEventAsync(next, AwaitEventWorkflow.Proceed, "go", deadline.Token);
        Assert.Equal(AwaitEventWorkflow.OutputFor("small", "go"), (await workflows.CompletionAsync(next, deadline.Token)).ReadOutputAs<string>());
    }
}
