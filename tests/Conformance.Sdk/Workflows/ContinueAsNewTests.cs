using Conformance.Sdk.Workflows.TestWorkflows;
using Dapr.DurableTask.Protobuf;
using Dapr.Workflow;
using static Dapr.Workflow.Client.WorkflowHistoryEventType;

namespace Conformance.Sdk.Workflows;

/// <summary><c>ContinueAsNew</c>: each generation starts over with a fresh history and execution id, and events the
/// workflow has not consumed yet are carried over to the next generation.</summary>
[Collection(WorkflowsCollection.Name)]
public sealed class ContinueAsNewTests(WorkflowApp workflows)
{
    [Fact]
    public async Task An_event_raised_in_generation_0_is_carried_over_twice_and_consumed_in_generation_2_each_generation_with_its_own_execution_id()
    {
        using var deadline = WorkflowApp.Deadline();
        var id = WorkflowApp.NewInstanceId("continue-as-new");

        await workflows.StartAsync(nameof(ContinueAsNewWorkflow), id, new Generation(0, null), deadline.Token);
        var firstExecutionId = ExecutionIdOf(await workflows.RawHistoryAsync(id, deadline.Token));
        // Generation 0 waits for "go" and is not waiting for this one: only carryover gets it to generation 2.
        await workflows.Client.RaiseEventAsync(id, ContinueAsNewWorkflow.Carried, "the early event", deadline.Token);
        await workflows.Client.RaiseEventAsync(id, ContinueAsNewWorkflow.Go, "", deadline.Token);
        var state = await workflows.CompletionAsync(id, deadline.Token);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("the early event reached generation 3", state.ReadOutputAs<string>());
        Assert.Equal(new Generation(3, "the early event"), state.ReadInputAs<Generation>());
        Assert.Equal(
            Enumerable.Range(0, 4).Select(ContinueAsNewWorkflow.NoteFor),
            workflows.Probe.Runs(id, nameof(NoteActivity)).Select(r => r.Input));

        var history = await workflows.Client.GetInstanceHistoryAsync(id, deadline.Token);
        Assert.Single(history, e => e.EventType == ExecutionStarted);
        Assert.Single(history, e => e.EventType == TaskScheduled);
        Assert.DoesNotContain(history, e => e.EventType == EventRaised);
        var lastExecutionId = ExecutionIdOf(await workflows.RawHistoryAsync(id, deadline.Token));
        Assert.NotEqual(firstExecutionId, lastExecutionId);
    }

    private static string ExecutionIdOf(IReadOnlyList<HistoryEvent> history)
    {
        var executionId = Assert.Single(history, e => e.ExecutionStarted is not null).ExecutionStarted.WorkflowInstance?.ExecutionId;
        Assert.False(string.IsNullOrEmpty(executionId), "ExecutionStarted carries the generation's execution id");
        return executionId;
    }
}
