using Dapr.Workflow;

namespace Conformance.Sdk.Workflows.TestWorkflows;

/// <summary>Waits for <see cref="Approval"/> for at most <c>input</c>. Once approved it stays open until
/// <see cref="Close"/>, so that the timeout's timer, had it not been removed, would still show up as a TimerFired.</summary>
public sealed class ApprovalWorkflow : Workflow<TimeSpan, string>
{
    public const string Approval = "approval";

    public const string Close = "close";

    public const string TimedOut = "timed out";

    public override async Task<string> RunAsync(WorkflowContext context, TimeSpan input)
    {
        string approval;
        try
        {
            approval = await context.WaitForExternalEventAsync<string>(Approval, input);
        }
        catch (TaskCanceledException)
        {
            return TimedOut;
        }

        await context.WaitForExternalEventAsync<string>(Close);
        return $"approved: {approval}";
    }
}
