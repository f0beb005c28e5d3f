using Dapr.Workflow;

namespace Conformance.Sdk.Workflows.TestWorkflows;

/// <summary>Returns what <see cref="ChildWorkflow"/> returns, prefixed.</summary>
public sealed class ParentWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input) =>
        "parent got " + await context.CallChildWorkflowAsync<string>(nameof(ChildWorkflow), input);
}

/// <summary>Shouts its input through <see cref="ShoutActivity"/>.</summary>
public sealed class ChildWorkflow : Workflow<string, string>
{
    public override Task<string> RunAsync(WorkflowContext context, string input) =>
        context.CallActivityAsync<string>(nameof(ShoutActivity), input);
}

/// <summary>Catches the failure of <see cref="FailingChildWorkflow"/> and returns what it saw of it:
/// <c>message|error type|error message</c>.</summary>
public sealed class ParentOfFailingChildWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        try
        {
            await context.CallChildWorkflowAsync<string>(nameof(FailingChildWorkflow), input);
            return "the child did not fail";
        }
        catch (WorkflowTaskFailedException e)
        {
            return $"{e.Message}|{e.FailureDetails.ErrorType}|{e.FailureDetails.ErrorMessage}";
        }
    }
}

/// <summary>Fails by letting <see cref="FailingActivity"/>'s failure escape.</summary>
public sealed class FailingChildWorkflow : Workflow<string, string>
{
    public override Task<string> RunAsync(WorkflowContext context, string input) =>
        context.CallActivityAsync<string>(nameof(FailingActivity), input);
}

/// <summary>Runs <see cref="AwaitEventWorkflow"/> as a child with a known id (<see cref="ChildIdOf"/>), which waits
/// until terminated.</summary>
public sealed class ParentWaitingOnChildWorkflow : Workflow<string, string>
{
    public static string ChildIdOf(string parentId) => parentId + "-child";

    public override Task<string> RunAsync(WorkflowContext context, string input) =>
        context.CallChildWorkflowAsync<string>(nameof(AwaitEventWorkflow), input, new ChildWorkflowTaskOptions(ChildIdOf(context.InstanceId)));
}
