using Dapr.Workflow;

namespace Conformance.Sdk.Workflows.TestWorkflows;

/// <summary>Upper-cases its input.</summary>
public sealed class ShoutActivity(WorkflowProbe probe) : WorkflowActivity<string, string>
{
    public override Task<string> RunAsync(WorkflowActivityContext context, string input)
    {
        probe.Record(context.InstanceId, nameof(ShoutActivity), input);
        return Task.FromResult(input.ToUpperInvariant());
    }
}

/// <summary>Appends an exclamation mark.</summary>
public sealed class ExclaimActivity(WorkflowProbe probe) : WorkflowActivity<string, string>
{
    public override Task<string> RunAsync(WorkflowActivityContext context, string input)
    {
        probe.Record(context.InstanceId, nameof(ExclaimActivity), input);
        return Task.FromResult(input + "!");
    }
}

public sealed class SquareActivity(WorkflowProbe probe) : WorkflowActivity<int, int>
{
    public override Task<int> RunAsync(WorkflowActivityContext context, int input)
    {
        probe.Record(context.InstanceId, nameof(SquareActivity), input.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return Task.FromResult(input * input);
    }
}

/// <summary>Records its input and returns it: marks how far a workflow got.</summary>
public sealed class NoteActivity(WorkflowProbe probe) : WorkflowActivity<string, string>
{
    public override Task<string> RunAsync(WorkflowActivityContext context, string input)
    {
        probe.Record(context.InstanceId, nameof(NoteActivity), input);
        return Task.FromResult(input);
    }
}
