using Dapr.Workflow;

namespace WorkflowTestApp;

/// <summary>Records that it started, then waits until the test releases it.</summary>
public sealed class SlowActivity(Journal journal) : WorkflowActivity<string, string>
{
    public override async Task<string> RunAsync(WorkflowActivityContext context, string input)
    {
        journal.Record($"slow-start {input} pid {Environment.ProcessId}");
        while (!File.Exists(journal.ReleaseFile))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        journal.Record($"slow-end {input}");
        return input.ToUpperInvariant();
    }
}
