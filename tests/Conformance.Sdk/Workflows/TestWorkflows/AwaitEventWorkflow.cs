using Dapr.Workflow;

namespace Conformance.Sdk.Workflows.TestWorkflows;

/// <summary>Waits for <see cref="Proceed"/>, notes it with <see cref="NoteActivity"/> (so a test sees whether the
/// workflow got past the wait), and returns <c>"&lt;input&gt; -&gt; &lt;event value&gt;"</c>.</summary>
public sealed class AwaitEventWorkflow : Workflow<string, string>
{
    public const string Proceed = "proceed";

    public static string NoteFor(string value) => $"after {value}";

    public static string OutputFor(string input, string value) => $"{input} -> {value}";

    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        var value = await context.WaitForExternalEventAsync<string>(Proceed);
        await context.CallActivityAsync<string>(nameof(NoteActivity), NoteFor(value));
        return OutputFor(input, value);
    }
}
