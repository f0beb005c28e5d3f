using Dapr.Workflow;

namespace Conformance.Sdk.Workflows.TestWorkflows;

/// <summary>Sets <see cref="Waiting"/> as its custom status, waits for <see cref="Approval"/>, then sets
/// <see cref="Done"/> and returns the event value.</summary>
public sealed class CustomStatusWorkflow : Workflow<string, string>
{
    public const string Approval = "approval";

    public static readonly Progress Waiting = new("waiting for approval", 1);

    public static readonly Progress Done = new("approved", 2);

    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        context.SetCustomStatus(Waiting);
        var approval = await context.WaitForExternalEventAsync<string>(Approval);
        context.SetCustomStatus(Done);
        return approval;
    }
}

public sealed record Progress(string Stage, int Step);
