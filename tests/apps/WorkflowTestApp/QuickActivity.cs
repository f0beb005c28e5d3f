using Dapr.Workflow;

namespace WorkflowTestApp;

public sealed class QuickActivity(Journal journal) : WorkflowActivity<string, string>
{
    public override Task<string> RunAsync(WorkflowActivityContext context, string input)
    {
        journal.Record($"quick {input} pid {Environment.ProcessId}");
        return Task.FromResult(input.ToUpperInvariant());
    }
}
