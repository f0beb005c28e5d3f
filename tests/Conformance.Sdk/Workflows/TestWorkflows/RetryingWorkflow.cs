using Dapr.Workflow;

namespace Conformance.Sdk.Workflows.TestWorkflows;

/// <summary>Calls <see cref="FlakyActivity"/> (failing <c>input</c> times) with <see cref="Policy"/>.</summary>
public sealed class RetryingWorkflow : Workflow<int, string>
{
    public static readonly WorkflowRetryPolicy Policy = new(maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromMilliseconds(300));

    public override Task<string> RunAsync(WorkflowContext context, int input) =>
        context.CallActivityAsync<string>(nameof(FlakyActivity), input, new WorkflowTaskOptions(Policy));
}
