using Dapr.Workflow;

namespace Conformance.Sdk.Workflows.TestWorkflows;

/// <summary>Waits for <see cref="First"/>, then for <see cref="Second"/>; returns both values.</summary>
public sealed class TwoEventsWorkflow : Workflow<string?, string>
{
    public const string First = "first";

    public const string Second = "second";

    public override async Task<string> RunAsync(WorkflowContext context, string? input)
    {
        var first = await context.WaitForExternalEventAsync<string>(First);
        var second = await context.WaitForExternalEventAsync<string>(Second);
        return $"{first}|{second}";
    }
}
