using Dapr.Workflow;

namespace WorkflowTestApp;

/// <summary>Runs one activity, then waits at once on a durable timer, an external event and a slow activity, then runs
/// one more activity: a workflow with every kind of pending work at the moment the test kills it.</summary>
public sealed class WaitForEverythingWorkflow : Workflow<string, string>
{
    public static readonly TimeSpan TimerDelay = TimeSpan.FromSeconds(3);

    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        var first = await context.CallActivityAsync<string>(nameof(QuickActivity), $"{input}-first");
        var timer = context.CreateTimer(TimerDelay);
        var approval = context.WaitForExternalEventAsync<string>("approval");
        var slow = context.CallActivityAsync<string>(nameof(SlowActivity), $"{input}-slow");
        await Task.WhenAll(timer, approval, slow);
        var last = await context.CallActivityAsync<string>(nameof(QuickActivity), $"{input}-last");
        return $"{first}|{approval.Result}|{slow.Result}|{last}";
    }
}
