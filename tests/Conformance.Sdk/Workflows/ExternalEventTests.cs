using Conformance.Sdk.Harness;
using Conformance.Sdk.Workflows.TestWorkflows;
using Dapr.Workflow;
using static Dapr.Workflow.Client.WorkflowHistoryEventType;

namespace Conformance.Sdk.Workflows;

/// <summary><c>RaiseEventAsync</c> and <c>WaitForExternalEventAsync</c>: events are never lost whether they arrive
/// before or after the wait, names match case-insensitively, and a wait with a timeout is an ordinary durable timer
/// that the sidecar removes when the event wins.</summary>
[Collection(WorkflowsCollection.Name)]
public sealed class ExternalEventTests(WorkflowApp workflows)
{
    [Fact]
    public async Task Events_raised_before_and_after_their_wait_with_names_in_another_case_are_both_delivered()
    {
        using var deadline = WorkflowApp.Deadline();
        var id = WorkflowApp.NewInstanceId("events");

        await workflows.StartAsync(nameof(TwoEventsWorkflow), id, null, deadline.Token);
        await workflows.Client.WaitForWorkflowStartAsync(id, cancellation: deadline.Token);
        // The workflow now waits for the first event: the second arrives before its wait, the first after.
        await workflows.Client.RaiseEventAsync(id, TwoEventsWorkflow.Second.ToUpperInvariant(), "raised early", deadline.Token);
        await workflows.Client.RaiseEventAsync(id, "First", "raised while waiting", deadline.Token);
        var state = await workflows.CompletionAsync(id, deadline.Token);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("raised while waiting|raised early", state.ReadOutputAs<string>());
        var history = await workflows.Client.GetInstanceHistoryAsync(id, deadline.Token);
        Assert.Equal(2, history.Count(e => e.EventType == EventRaised));
    }

    [Fact]
    public async Task A_wait_with_a_timeout_and_no_event_ends_in_the_cancelled_branch_when_its_timer_fires()
    {
        var timeout = TimeSpan.FromSeconds(1);
        using var deadline = WorkflowApp.Deadline();
        var id = WorkflowApp.NewInstanceId("event-timeout");

        await workflows.StartAsync(nameof(ApprovalWorkflow), id, timeout, deadline.Token);
        var state = await workflows.CompletionAsync(id, deadline.Token);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal(ApprovalWorkflow.TimedOut, state.ReadOutputAs<string>());
        var history = await workflows.Client.GetInstanceHistoryAsync(id, deadline.Token);
        Assert.Single(history, e => e.EventType == TimerCreated);
        Assert.Single(history, e => e.EventType == TimerFired);
        Assert.DoesNotContain(history, e => e.EventType == EventRaised);
        var turnStarts = history.Where(e => e.EventType == OrchestratorStarted).Select(e => e.Timestamp).ToList();
        Assert.True(turnStarts[^1] - turnStarts[0] >= timeout - TimeSpan.FromMilliseconds(50),
            $"the timeout fired {(turnStarts[^1] - turnStarts[0]).TotalMilliseconds} ms after the wait began");
    }

    /// <summary>The SDK gives the timeout timer an <c>externalEvent</c> origin, by which daprd deletes its reminder when
    /// the event arrives first (dapr/dapr <c>deleteCancelledEventTimers</c>). The workflow stays open after the event,
    /// so a timer the sidecar failed to remove would fire into it and show as a TimerFired in its history.</summary>
    [Fact]
    public async Task An_event_within_the_timeout_is_the_result_and_the_timeout_timer_never_fires()
    {
        var timeout = TimeSpan.FromSeconds(2);
        using var deadline = WorkflowApp.Deadline();
        var id = WorkflowApp.NewInstanceId("event-in-time");

        await workflows.StartAsync(nameof(ApprovalWorkflow), id, timeout, deadline.Token);
        await workflows.Client.RaiseEventAsync(id, ApprovalWorkflow.Approval, "yes", deadline.Token);
        await Poll.UntilAsync(() => workflows.Client.GetInstanceHistoryAsync(id, deadline.Token),
            history => history.Any(e => e.EventType == EventRaised), "the approval to be in the history");
        await Poll.HoldsThroughoutAsync(
            async () => !(await workflows.Client.GetInstanceHistoryAsync(id, deadline.Token)).Any(e => e.EventType == TimerFired),
            "no TimerFired once the event won", timeout + TimeSpan.FromSeconds(1));
        await workflows.Client.RaiseEventAsync(id, ApprovalWorkflow.Close, "done", deadline.Token);
        var state = await workflows.CompletionAsync(id, deadline.Token);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("approved: yes", state.ReadOutputAs<string>());
        var history = await workflows.Client.GetInstanceHistoryAsync(id, deadline.Token);
        Assert.Single(history, e => e.EventType == TimerCreated);
        Assert.DoesNotContain(history, e => e.EventType == TimerFired);
    }
}
