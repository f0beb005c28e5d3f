using Conformance.Sdk.Workflows.TestWorkflows;
using Dapr.Workflow;
using static Dapr.Workflow.Client.WorkflowHistoryEventType;

namespace Conformance.Sdk.Workflows;

/// <summary><c>CreateTimer</c>: durable timers fire at their due time (at once when already due), and the
/// workflow's clock is the timestamp of the WorkflowStarted event opening each turn.</summary>
[Collection(WorkflowsCollection.Name)]
public sealed class WorkflowTimerTests(WorkflowApp workflows)
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_timer_already_due_fires_at_once_a_two_second_timer_two_seconds_later_and_the_clock_is_each_turns_start()
    {
        using var deadline = WorkflowApp.Deadline();
        var id = WorkflowApp.NewInstanceId("timers");

        await workflows.StartAsync(nameof(TimersWorkflow), id, Delay, deadline.Token);
        var state = await workflows.CompletionAsync(id, deadline.Token);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        var readings = state.ReadOutputAs<TimerReadings>();
        Assert.NotNull(readings);
        var history = await workflows.Client.GetInstanceHistoryAsync(id, deadline.Token);
        Assert.Equal(
            [OrchestratorStarted, ExecutionStarted, TimerCreated, OrchestratorStarted, TimerFired, TimerCreated, OrchestratorStarted, TimerFired, ExecutionCompleted],
            history.Select(e => e.EventType));
        var turnStarts = history.Where(e => e.EventType == OrchestratorStarted).Select(e => e.Timestamp).ToList();
        Assert.Equal(turnStarts, [readings.Started, readings.AfterPastTimer, readings.AfterDelayTimer]);

        // Slack for the sidecar's clock against the timestamp it computed the due time from, not for early firing.
        var slack = TimeSpan.FromMilliseconds(50);
        var pastTimerTook = readings.AfterPastTimer - readings.Started;
        var delayTimerTook = readings.AfterDelayTimer - readings.AfterPastTimer;
        Assert.True(pastTimerTook < TimeSpan.FromSeconds(1.5), $"a timer already due fired {pastTimerTook.TotalMilliseconds} ms after the turn that created it");
        Assert.True(delayTimerTook >= Delay - slack, $"a {Delay.TotalSeconds} s timer fired after {delayTimerTook.TotalMilliseconds} ms");
        Assert.True(delayTimerTook < Delay + TimeSpan.FromSeconds(10), $"a {Delay.TotalSeconds} s timer fired after {delayTimerTook.TotalMilliseconds} ms");
    }
}
