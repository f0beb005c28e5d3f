using Dapr.Workflow;

namespace Conformance.Sdk.Workflows.TestWorkflows;

/// <summary>A timer due an hour ago, then a timer of <c>input</c>; returns the workflow's clock at the start and
/// after each timer.</summary>
public sealed class TimersWorkflow : Workflow<TimeSpan, TimerReadings>
{
    public override async Task<TimerReadings> RunAsync(WorkflowContext context, TimeSpan input)
    {
        var started = context.CurrentUtcDateTime;
        await context.CreateTimer(started - TimeSpan.FromHours(1), CancellationToken.None);
        var afterPastTimer = context.CurrentUtcDateTime;
        await context.CreateTimer(input);
        return new TimerReadings(started, afterPastTimer, context.CurrentUtcDateTime);
    }
}

public sealed record TimerReadings(DateTime Started, DateTime AfterPastTimer, DateTime AfterDelayTimer);
