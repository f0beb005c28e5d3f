using Dapr.Workflow;

namespace Conformance.Sdk.Workflows.TestWorkflows;

/// <summary>Two activities in sequence, the second on the first one's result.</summary>
public sealed class ChainWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        var shouted = await context.CallActivityAsync<string>(nameof(ShoutActivity), input);
        return await context.CallActivityAsync<string>(nameof(ExclaimActivity), shouted);
    }
}
