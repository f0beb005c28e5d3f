using Dapr.DurableTask.Protobuf;
using LocalSidecar.Diagnostics;
using LocalSidecar.Hosting;
using EventType = Dapr.DurableTask.Protobuf.HistoryEvent.EventTypeOneofCase;

namespace LocalSidecar.Workflows;

/// <summary>The engine's side of tracing (<see cref="WorkflowSpans"/>): the hooks the turns call.</summary>
public sealed partial class WorkflowEngine
{
    private readonly WorkflowSpans _spans = new();

    private void TraceWith(object sidecar)
    {
        if (sidecar is SidecarContext context)
        {
            _spans.Use(context.Telemetry.Tracing);
        }
    }

    /// <summary>Called with <c>_members</c> locked: another member's tracer takes over.</summary>
    private void StopTracingWith(object sidecar)
    {
        if (sidecar is SidecarContext context)
        {
            _spans.Release(context.Telemetry.Tracing);
            foreach (var member in _members.Keys)
            {
                TraceWith(member);
            }
        }
    }

    /// <summary>The <c>create_orchestration</c> span of a start, ended when the start returns.</summary>
    private CreateSpan TraceCreate(CreateInstanceRequest request, string instanceId) =>
        new(_spans.StartCreate(request.Name, request.Version, instanceId, request.ParentTraceContext), request.ParentTraceContext);

    private readonly struct CreateSpan(System.Diagnostics.Activity? span, Dapr.DurableTask.Protobuf.TraceContext? requested) : IDisposable
    {
        /// <summary>ExecutionStarted's parent: the span's context (none when unsampled); without tracing, what the
        /// client sent.</summary>
        public Dapr.DurableTask.Protobuf.TraceContext? ParentTraceContext => span is null ? requested : WorkflowSpans.ContextOf(span);

        /// <summary>The start was refused: durabletask's client (daprd's HTTP API) marks its span Error; its gRPC
        /// executor (the gRPC API) leaves the span as it is.</summary>
        public void Refused(string reason) => span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, reason);

        public void Dispose()
        {
            if (span is not null)
            {
                SidecarTracing.StopDetached(span);
            }
        }
    }

    /// <summary>A turn goes out: the orchestration span runs from the start event on.</summary>
    private void TraceTurn(WorkflowInstanceState instance)
    {
        if (!_spans.IsOn)
        {
            return;
        }

        var started = instance.History.FirstOrDefault(e => e.EventTypeCase == EventType.ExecutionStarted)
            ?? instance.Inbox.FirstOrDefault(e => e.EventTypeCase == EventType.ExecutionStarted);
        if (started is not null)
        {
            _spans.OrchestrationRunning(instance.Id, instance.ExecutionId, started);
        }
    }

    private Dapr.DurableTask.Protobuf.TraceContext? OrchestrationTrace(WorkflowInstanceState instance) =>
        _spans.OrchestrationContext(instance.Id, instance.ExecutionId);

    /// <summary>The workflow ended: its span is exported; spans of activities it no longer waits for are dropped.</summary>
    private void TraceEnd(WorkflowInstanceState instance, ExecutionCompletedEvent completed)
    {
        _spans.OrchestrationEnded(instance.Id, instance.ExecutionId, completed.WorkflowStatus, completed.FailureDetails);
        _spans.Forget(instance.Id);
    }

    private void TraceContinueAsNew(WorkflowInstanceState instance)
    {
        _spans.OrchestrationEnded(instance.Id, instance.ExecutionId, OrchestrationStatus.ContinuedAsNew, null);
        _spans.Forget(instance.Id);
    }
}
