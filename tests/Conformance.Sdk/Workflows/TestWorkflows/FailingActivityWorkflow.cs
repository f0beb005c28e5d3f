using Dapr.Workflow;

namespace Conformance.Sdk.Workflows.TestWorkflows;

/// <summary>Lets <see cref="FailingActivity"/>'s failure escape, without a retry policy.</summary>
public sealed class FailingActivityWorkflow : Workflow<string, string>
{
    public override Task<string> RunAsync(WorkflowContext context, string input) =>
        context.CallActivityAsync<string>(nameof(FailingActivity), input);
}
