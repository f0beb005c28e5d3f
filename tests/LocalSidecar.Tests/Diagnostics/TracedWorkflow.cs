using System.Collections.Concurrent;
using System.Diagnostics;
using Dapr.Workflow;

namespace LocalSidecar.Tests.Diagnostics;

/// <summary>A workflow as the ordering app's saga is shaped: an activity that calls another app through the sidecar,
/// then a durable timer.</summary>
public sealed class TracedWorkflow : Workflow<string, string>
{
    public override async Task<string> RunAsync(WorkflowContext context, string input)
    {
        var answer = await context.CallActivityAsync<string>(nameof(InvokeCalleeActivity), input);
        await context.CreateTimer(TimeSpan.FromMilliseconds(10));
        return answer;
    }
}

/// <summary>Invokes <c>callee</c>'s <c>hello</c> through the sidecar whose invoke URL it is given, with a plain
/// <see cref="HttpClient"/> as app code does, and notes the trace it ran in.</summary>
public sealed class InvokeCalleeActivity : WorkflowActivity<string, string>
{
    /// <summary>Per workflow instance: the activity code's <see cref="Activity.Current"/> (trace id, parent, own span).</summary>
    public static ConcurrentDictionary<string, (string TraceId, string ParentSpanId, string SpanId)> Seen { get; } = new();

    public override async Task<string> RunAsync(WorkflowActivityContext context, string invokeUrl)
    {
        var current = Activity.Current;
        Seen[context.InstanceId] = (current?.TraceId.ToHexString() ?? "", current?.ParentSpanId.ToHexString() ?? "", current?.SpanId.ToHexString() ?? "");
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(invokeUrl), null);
        return ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>Runs <see cref="TracedWorkflow"/> as a child workflow.</summary>
public sealed class ParentTracedWorkflow : Workflow<string, string>
{
    public override Task<string> RunAsync(WorkflowContext context, string input) =>
        context.CallChildWorkflowAsync<string>(nameof(TracedWorkflow), input);
}
