using Dapr.Workflow;

namespace Conformance.Sdk.Workflows.TestWorkflows;

/// <summary>Always throws.</summary>
public sealed class FailingActivity(WorkflowProbe probe) : WorkflowActivity<string, string>
{
    public static string MessageFor(string input) => $"boom: {input}";

    public override Task<string> RunAsync(WorkflowActivityContext context, string input)
    {
        probe.Record(context.InstanceId, nameof(FailingActivity), input);
        throw new InvalidOperationException(MessageFor(input));
    }
}

/// <summary>Throws on its first <c>input</c> attempts for a workflow instance, then succeeds.</summary>
public sealed class FlakyActivity(WorkflowProbe probe) : WorkflowActivity<int, string>
{
    public override Task<string> RunAsync(WorkflowActivityContext context, int input)
    {
        var attempt = probe.Record(context.InstanceId, nameof(FlakyActivity), input.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (attempt <= input)
        {
            throw new InvalidOperationException($"attempt {attempt} fails");
        }

        return Task.FromResult($"succeeded on attempt {attempt}");
    }
}
