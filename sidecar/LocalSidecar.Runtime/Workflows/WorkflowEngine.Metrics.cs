using System.Diagnostics;
using Dapr.DurableTask.Protobuf;
using LocalSidecar.Diagnostics.Metrics;
using LocalSidecar.Hosting;
using EventType = Dapr.DurableTask.Protobuf.HistoryEvent.EventTypeOneofCase;

namespace LocalSidecar.Workflows;

/// <summary>daprd's <c>dapr_runtime_workflow_*</c> metrics, recorded where the engine does the work.</summary>
public sealed partial class WorkflowEngine
{
    /// <summary>The first member sidecar's metrics: the engine, like its instances, is shared by the replicas of an app
    /// in one process, and a workflow's work is counted once.</summary>
    private DaprMetrics? Metrics
    {
        get
        {
            lock (_members)
            {
                return _members.Keys.OfType<SidecarContext>().FirstOrDefault()?.Telemetry?.Metrics;
            }
        }
    }

    /// <summary>A client's request: <c>create_workflow</c>, <c>add_event</c> (raise, terminate, suspend, resume) or
    /// <c>purge_workflow</c>, counted <c>failed</c> when it throws.</summary>
    private async Task<T> RecordOperationAsync<T>(string operation, Func<Task<T>> run)
    {
        var started = Stopwatch.GetTimestamp();
        var success = false;
        try
        {
            var result = await run();
            success = true;
            return result;
        }
        finally
        {
            Metrics?.WorkflowOperation(operation, success, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private async Task RecordOperationAsync(string operation, Func<Task> run)
    {
        var started = Stopwatch.GetTimestamp();
        var success = false;
        try
        {
            await run();
            success = true;
        }
        finally
        {
            Metrics?.WorkflowOperation(operation, success, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    /// <summary>A run that ended: its status and the time since its first turn began.</summary>
    private void RecordExecution(WorkflowInstanceState instance, ExecutionCompletedEvent completed)
    {
        var status = completed.WorkflowStatus switch
        {
            OrchestrationStatus.Completed => "success",
            OrchestrationStatus.Terminated => "terminated",
            _ => "failed",
        };
        var firstTurn = instance.History.FirstOrDefault(e => e.EventTypeCase == EventType.WorkflowStarted)?.Timestamp?.ToDateTimeOffset();
        Metrics?.WorkflowExecuted(instance.Started?.Name ?? "", status, firstTurn is { } began ? (Now - began).TotalMilliseconds : 0);
    }

    /// <summary>A first turn handed out: the time since the start request, or since the start time it asked for.</summary>
    private void RecordScheduling(WorkflowInstanceState instance)
    {
        if (instance.Inbox.FirstOrDefault() is { ExecutionStarted: { } start } startEvent)
        {
            var requested = (start.ScheduledStartTimestamp ?? startEvent.Timestamp).ToDateTimeOffset();
            Metrics?.WorkflowScheduled(start.Name, (Now - requested).TotalMilliseconds);
        }
    }

    /// <summary>An activity handed to the app's workers.</summary>
    private void RecordActivityOperation(HistoryEvent scheduled, Action send)
    {
        var started = Stopwatch.GetTimestamp();
        var success = false;
        try
        {
            send();
            success = true;
        }
        finally
        {
            Metrics?.ActivityOperation(scheduled.TaskScheduled.Name, success ? "success" : "recoverable", Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    /// <summary>An activity's result accepted: <c>success</c> or <c>failed</c>, timed from its scheduling.</summary>
    private void RecordActivityExecution(HistoryEvent scheduled, ActivityResponse response) =>
        Metrics?.ActivityExecuted(scheduled.TaskScheduled.Name, response.FailureDetails is null ? "success" : "failed",
            (Now - scheduled.Timestamp.ToDateTimeOffset()).TotalMilliseconds);
}
