using Dapr.Workflow;

namespace Conformance.Sdk.Workflows.TestWorkflows;

/// <summary>Squares 0 … input−1 in parallel activities and sums the squares.</summary>
public sealed class FanOutFanInWorkflow : Workflow<int, int>
{
    public override async Task<int> RunAsync(WorkflowContext context, int input)
    {
        var squares = await Task.WhenAll(Enumerable.Range(0, input).Select(i => context.CallActivityAsync<int>(nameof(SquareActivity), i)));
        return squares.Sum();
    }
}
