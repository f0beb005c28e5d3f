using Conformance.Sdk.Harness;
using Conformance.Sdk.Workflows.TestWorkflows;
using Dapr.Workflow;
using static Dapr.Workflow.Client.WorkflowHistoryEventType;

namespace Conformance.Sdk.Workflows;

/// <summary><c>CallChildWorkflowAsync</c>: the child's result or failure comes back to the parent, and terminating
/// the parent terminates the child (the SDK asks for a recursive terminate).</summary>
[Collection(WorkflowsCollection.Name)]
public sealed class ChildWorkflowTests(WorkflowApp workflows)
{
    [Fact]
    public async Task A_child_workflows_result_is_returned_to_its_parent()
    {
        using var deadline = WorkflowApp.Deadline();
        var id = WorkflowApp.NewInstanceId("parent");

        await workflows.StartAsync(nameof(ParentWorkflow), id, id, deadline.Token);
        var state = await workflows.CompletionAsync(id, deadline.Token);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("parent got " + id.ToUpperInvariant(), state.ReadOutputAs<string>());
        var childRun = Assert.Single(workflows.Probe.RunsWithInput(nameof(ShoutActivity), id));
        Assert.NotEqual(id, childRun.InstanceId);
        var history = await workflows.Client.GetInstanceHistoryAsync(id, deadline.Token);
        Assert.Single(history, e => e.EventType == SubOrchestrationInstanceCreated);
        Assert.Single(history, e => e.EventType == SubOrchestrationInstanceCompleted);

        var child = await workflows.Client.GetWorkflowStateAsync(childRun.InstanceId, cancellation: deadline.Token);
        Assert.Equal(WorkflowRuntimeStatus.Completed, child.RuntimeStatus);
        Assert.Equal(nameof(ChildWorkflow), child.WorkflowName);
        Assert.Equal(id.ToUpperInvariant(), child.ReadOutputAs<string>());
    }

    [Fact]
    public async Task A_failing_child_workflow_surfaces_in_its_parent_as_a_WorkflowTaskFailedException_with_the_childs_failure()
    {
        using var deadline = WorkflowApp.Deadline();
        var id = WorkflowApp.NewInstanceId("parent-of-failing");

        await workflows.StartAsync(nameof(ParentOfFailingChildWorkflow), id, id, deadline.Token);
        var state = await workflows.CompletionAsync(id, deadline.Token);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal(
            $"Child workflow '{nameof(FailingChildWorkflow)}' failed|{typeof(WorkflowTaskFailedException).FullName}|Task failed: {FailingActivity.MessageFor(id)}",
            state.ReadOutputAs<string>());
        Assert.Single(workflows.Probe.RunsWithInput(nameof(FailingActivity), id));
        var history = await workflows.Client.GetInstanceHistoryAsync(id, deadline.Token);
        Assert.Single(history, e => e.EventType == SubOrchestrationInstanceFailed);
    }

    [Fact]
    public async Task Terminating_a_parent_terminates_its_running_child()
    {
        using var deadline = WorkflowApp.Deadline();
        var id = WorkflowApp.NewInstanceId("terminated-parent");
        var childId = ParentWaitingOnChildWorkflow.ChildIdOf(id);

        await workflows.StartAsync(nameof(ParentWaitingOnChildWorkflow), id, "never proceeds", deadline.Token);
        await Poll.UntilAsync(() => workflows.Client.GetWorkflowStateAsync(childId, cancellation: deadline.Token),
            child => child.RuntimeStatus == WorkflowRuntimeStatus.Running, "the child workflow to be running", WorkflowApp.Patience);
        await workflows.Client.TerminateWorkflowAsync(id, cancellation: deadline.Token);

        var parent = await workflows.CompletionAsync(id, deadline.Token);
        Assert.Equal(WorkflowRuntimeStatus.Terminated, parent.RuntimeStatus);
        var child = await workflows.CompletionAsync(childId, deadline.Token);
        Assert.Equal(WorkflowRuntimeStatus.Terminated, child.RuntimeStatus);
        Assert.Equal(nameof(AwaitEventWorkflow), child.WorkflowName);
        Assert.Empty(workflows.Probe.Runs(childId, nameof(NoteActivity)));
    }
}
