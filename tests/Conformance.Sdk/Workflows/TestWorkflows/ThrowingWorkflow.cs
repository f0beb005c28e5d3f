using Dapr.Workflow;

namespace Conformance.Sdk.Workflows.TestWorkflows;

/// <summary>Throws from its own code, after one activity.</summary>
public sealed class ThrowingWorkflow : Workflow<string, string>
{
    public static string MessageFor(string input) => $"the order {input} cannot be shipped";

    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        await context.CallActivityAsync<string>(nameof(ShoutActivity), input);
        throw new InvalidOperationException(MessageFor(input));
    }
}
