using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapr.DurableTask.Protobuf;
using ProtoTraceContext = Dapr.DurableTask.Protobuf.TraceContext;

namespace LocalSidecar.Diagnostics;

/// <summary>The spans daprd's workflow engine (durabletask-go) makes, and the trace context it writes into the history
/// so that the workflow continues the trace of the call that scheduled it:
/// <list type="bullet">
/// <item><c>create_orchestration||&lt;wf&gt;</c> (Client) under the API call that schedules it; its context goes into
/// ExecutionStarted's <c>parentTraceContext</c>.</item>
/// <item><c>orchestration||&lt;wf&gt;</c> (Server) under that, one span from the start event's time until the
/// workflow ends (exported then); its context goes into TaskScheduled's and ChildWorkflowInstanceCreated's
/// <c>parentTraceContext</c>.</item>
/// <item><c>activity||&lt;act&gt;</c> (Server) under the TaskScheduled's context while a worker runs the activity; its
/// context goes to the worker in ActivityRequest's <c>parentTraceContext</c>, where Dapr.Workflow makes it the
/// activity code's <see cref="Activity.Current"/>, so what the activity calls continues the trace.</item>
/// <item><c>timer</c> (Internal) under the orchestration when a durable timer fires.</item>
/// </list>
/// As in durabletask-go, a context is written only when its span is sampled. Spans live in memory: after a sidecar
/// restart an unfinished workflow gets a new orchestration span (same parent, same start time).
/// With tracing not on, every method returns at once and nothing is allocated.</summary>
public sealed class WorkflowSpans
{
    private readonly ConcurrentDictionary<(string Instance, string Execution), Activity> _orchestrations = new();
    private readonly ConcurrentDictionary<(string Instance, string Execution, int Task), Activity> _activities = new();
    private SidecarTracing? _tracing;

    public bool IsOn => _tracing is { Mode: TracingMode.On };

    private bool On => IsOn;

    /// <summary>Spans go to this sidecar's exporters (one per app id serves the engine; replicas are configured alike).</summary>
    public void Use(SidecarTracing tracing) => Interlocked.CompareExchange(ref _tracing, tracing, null);

    /// <summary>The sidecar whose tracer was used is going away: forget its spans (they cannot be exported any more).</summary>
    public void Release(SidecarTracing tracing)
    {
        if (Interlocked.CompareExchange(ref _tracing, null, tracing) == tracing)
        {
            _orchestrations.Clear();
            _activities.Clear();
        }
    }

    /// <summary>Starts <c>create_orchestration</c> under the API call's span (this sidecar's current one) or, without
    /// one, under the context the client sent. Null when tracing is not on.</summary>
    public Activity? StartCreate(string name, string? version, string instanceId, ProtoTraceContext? requested)
    {
        if (!On)
        {
            return null;
        }

        var tracing = _tracing!;
        var parent = tracing.Current?.Context ?? Parse(requested) ?? default;
        var span = tracing.StartDetached(SpanName("create_orchestration", name, version), ActivityKind.Client, parent);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("durabletask.type", "orchestration");
            span.SetTag("durabletask.task.name", name);
            span.SetTag("durabletask.task.instance_id", instanceId);
            Version(span, version);
        }

        return span;
    }

    /// <summary>The workflow's orchestration span is running from its start event on (started on its first turn).</summary>
    public void OrchestrationRunning(string instanceId, string executionId, HistoryEvent started)
    {
        if (!On || _orchestrations.ContainsKey((instanceId, executionId)))
        {
            return;
        }

        var start = started.ExecutionStarted;
        if (Parse(start.ParentTraceContext) is not { } parent || parent == default)
        {
            return; // durabletask-go makes no orchestration span without a parent context
        }

        var span = _tracing!.StartDetached(SpanName("orchestration", start.Name, start.Version), ActivityKind.Server, parent,
            started.Timestamp?.ToDateTimeOffset());
        if (span is null)
        {
            return;
        }

        if (span.IsAllDataRequested)
        {
            span.SetTag("durabletask.type", "orchestration");
            span.SetTag("durabletask.task.name", start.Name);
            span.SetTag("durabletask.task.instance_id", instanceId);
            Version(span, start.Version);
        }

        if (!_orchestrations.TryAdd((instanceId, executionId), span))
        {
            span.Dispose();
        }
    }

    /// <summary>The context children of the orchestration carry (TaskScheduled, ChildWorkflowInstanceCreated); null
    /// when there is no sampled orchestration span.</summary>
    public ProtoTraceContext? OrchestrationContext(string instanceId, string executionId) =>
        On && _orchestrations.TryGetValue((instanceId, executionId), out var span) ? ContextOf(span) : null;

    /// <summary>The workflow ended (or continued as new): its orchestration span is exported now.</summary>
    public void OrchestrationEnded(string instanceId, string executionId, OrchestrationStatus status, TaskFailureDetails? failure)
    {
        if (!On || !_orchestrations.TryRemove((instanceId, executionId), out var span))
        {
            return;
        }

        if (span.IsAllDataRequested)
        {
            span.SetTag("durabletask.runtime_status", StatusName(status));
            if (status == OrchestrationStatus.Failed)
            {
                span.SetStatus(ActivityStatusCode.Error, failure?.ErrorMessage);
            }
        }

        SidecarTracing.StopDetached(span);
    }

    /// <summary>An activity goes to a worker: its span starts (once, also when the activity is sent again) and its
    /// context is what the worker gets in ActivityRequest's <c>parentTraceContext</c>.</summary>
    public ProtoTraceContext? ActivityStarted(string instanceId, string executionId, int taskId, TaskScheduledEvent scheduled)
    {
        if (!On)
        {
            return null;
        }

        var key = (instanceId, executionId, taskId);
        if (!_activities.TryGetValue(key, out var span))
        {
            span = _tracing!.StartDetached(SpanName("activity", scheduled.Name, scheduled.Version), ActivityKind.Server,
                Parse(scheduled.ParentTraceContext) ?? default);
            if (span is null)
            {
                return null;
            }

            if (span.IsAllDataRequested)
            {
                span.SetTag("durabletask.type", "activity");
                span.SetTag("durabletask.task.name", scheduled.Name);
                span.SetTag("durabletask.task.task_id", (long)taskId);
                span.SetTag("durabletask.task.instance_id", instanceId);
                Version(span, scheduled.Version);
            }

            if (!_activities.TryAdd(key, span))
            {
                span.Dispose();
                span = _activities[key];
            }
        }

        return ContextOf(span);
    }

    /// <summary>A worker answered the activity.</summary>
    public void ActivityEnded(string instanceId, string executionId, int taskId, TaskFailureDetails? failure)
    {
        if (!On || !_activities.TryRemove((instanceId, executionId, taskId), out var span))
        {
            return;
        }

        if (failure is not null && span.IsAllDataRequested)
        {
            span.SetStatus(ActivityStatusCode.Error, failure.ErrorMessage);
        }

        SidecarTracing.StopDetached(span);
    }

    /// <summary>A durable timer fired: a <c>timer</c> span from the fired event's time, under the orchestration.</summary>
    public void TimerFired(string instanceId, string executionId, HistoryEvent fired)
    {
        if (!On || !_orchestrations.TryGetValue((instanceId, executionId), out var orchestration) || !orchestration.Recorded)
        {
            return;
        }

        var span = _tracing!.StartDetached("timer", ActivityKind.Internal, orchestration.Context, fired.Timestamp?.ToDateTimeOffset());
        if (span is null)
        {
            return;
        }

        if (span.IsAllDataRequested)
        {
            var timer = fired.TimerFired;
            span.SetTag("durabletask.type", "timer");
            span.SetTag("durabletask.fire_at", timer.FireAt?.ToDateTimeOffset().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            span.SetTag("durabletask.task.task_id", (long)timer.TimerId);
            span.SetTag("durabletask.task.instance_id", instanceId);
        }

        SidecarTracing.StopDetached(span);
    }

    /// <summary>The instance is gone (purged, or a new run under its id): spans still open for it are dropped.</summary>
    public void Forget(string instanceId)
    {
        if (!On)
        {
            return;
        }

        foreach (var key in _orchestrations.Keys.Where(k => k.Instance == instanceId))
        {
            _orchestrations.TryRemove(key, out _);
        }

        foreach (var key in _activities.Keys.Where(k => k.Instance == instanceId))
        {
            _activities.TryRemove(key, out _);
        }
    }

    /// <summary>A trace context for the history, written only for a sampled span (durabletask-go's parent-based rule).</summary>
    public static ProtoTraceContext? ContextOf(Activity span)
    {
        if (!span.Recorded)
        {
            return null;
        }

        var context = new ProtoTraceContext { TraceParent = SidecarTracing.Traceparent(span) };
        if (span.TraceStateString is { Length: > 0 } state)
        {
            context.TraceState = state;
        }

        return context;
    }

    private static ActivityContext? Parse(ProtoTraceContext? context) =>
        context is { TraceParent.Length: > 0 } && ActivityContext.TryParse(context.TraceParent, context.TraceState, isRemote: true, out var parsed)
            ? parsed
            : null;

    /// <summary>durabletask-go's span name: type, then <c>||name</c>, then <c>||version</c> when versioned.</summary>
    private static string SpanName(string type, string name, string? version) =>
        version is { Length: > 0 } ? $"{type}||{name}||{version}" : $"{type}||{name}";

    private static void Version(Activity span, string? version)
    {
        if (version is { Length: > 0 })
        {
            span.SetTag("durabletask.task.version", version);
        }
    }

    /// <summary>The status as durabletask-go names it (<c>COMPLETED</c>, <c>CONTINUED_AS_NEW</c>…).</summary>
    private static string StatusName(OrchestrationStatus status)
    {
        var name = status.ToString();
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]))
            {
                text.Append('_');
            }

            text.Append(char.ToUpperInvariant(name[i]));
        }

        return text.ToString();
    }
}
