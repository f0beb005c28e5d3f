using Dapr.DurableTask.Protobuf;
using Microsoft.Extensions.Logging;
using EventType = Dapr.DurableTask.Protobuf.HistoryEvent.EventTypeOneofCase;

namespace LocalSidecar.Workflows;

/// <summary>The worker side: answers to work items, and how a turn is handed out and its answer applied.</summary>
public sealed partial class WorkflowEngine
{
    internal WorkerStream ConnectWorker(object sidecar) => _dispatcher.Connect(sidecar);

    internal void DisconnectWorker(WorkerStream worker) => _dispatcher.Disconnect(worker);

    /// <summary>A worker's answer to a turn. An answer nobody waits for (stale token, instance gone) is ignored.</summary>
    public async Task CompleteTurnAsync(WorkflowResponse response, CancellationToken cancellationToken)
    {
        var item = _dispatcher.Complete(response.CompletionToken, i => !i.IsActivity && i.InstanceId == response.InstanceId);
        if (item is null)
        {
            return;
        }

        await CommitOrRecoverAsync(item.InstanceId, async (instance, followUps) =>
        {
            if (instance.Turn is not { } turn || instance.ExecutionId != item.ExecutionId)
            {
                return;
            }

            await ApplyTurnAsync(instance, turn, response, followUps);
        }, cancellationToken);
    }

    /// <summary>Applies a worker's answer. When the commit fails, the worker is not told: the instance is re-armed from
    /// the store (<see cref="ScheduleRecovery"/>), which sends the turn or activity again, and an error would only make
    /// the SDK drop its stream and everything else in flight on it.</summary>
    private async Task CommitOrRecoverAsync(string id, Func<WorkflowInstanceState, List<Func<Task>>, Task> apply, CancellationToken cancellationToken)
    {
        try
        {
            await WithInstanceAsync(id, apply, cancellationToken);
        }
        catch (Exception e) when (e is not WorkflowException && !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning("Workflow {InstanceId} of app {AppId}: committing a worker's answer failed ({Error}); the work is sent again once the instance is re-armed",
                id, _appId, e.Message);
        }
    }

    public async Task CompleteActivityAsync(ActivityResponse response, CancellationToken cancellationToken)
    {
        var item = _dispatcher.Complete(response.CompletionToken, i => i.IsActivity && i.InstanceId == response.InstanceId && i.TaskId == response.TaskId);
        if (item is null)
        {
            return;
        }

        _spans.ActivityEnded(item.InstanceId, item.ExecutionId, item.TaskId!.Value, response.FailureDetails);

        await CommitOrRecoverAsync(item.InstanceId, async (instance, _) =>
        {
            var taskId = item.TaskId!.Value;
            var scheduled = instance.History.FirstOrDefault(e => e.EventTypeCase == EventType.TaskScheduled && e.EventId == taskId);
            if (instance.IsCompleted || instance.ExecutionId != item.ExecutionId || scheduled is null
                || instance.IsResolved(taskId))
            {
                return;
            }

            RecordActivityExecution(scheduled, response);

            var result = WorkflowInstanceState.NewEvent(Now);
            if (response.FailureDetails is { } failure)
            {
                result.TaskFailed = new TaskFailedEvent { TaskScheduledId = taskId, FailureDetails = failure, TaskExecutionId = scheduled.TaskScheduled.TaskExecutionId };
            }
            else
            {
                result.TaskCompleted = new TaskCompletedEvent { TaskScheduledId = taskId, Result = response.Result, TaskExecutionId = scheduled.TaskScheduled.TaskExecutionId };
            }

            // The worker hears "done" once the result is committed, as from daprd: workers may well wait for that
            // answer before they take their next item.
            await AddToInboxAsync(instance, result);
        }, cancellationToken);
    }

    // ---- turns ----

    private async Task ApplyTurnAsync(WorkflowInstanceState instance, WorkflowTurn turn, WorkflowResponse response, List<Func<Task>> followUps)
    {
        var now = Now;
        instance.Turn = null;
        if (response.Version is { } version)
        {
            turn.NewEvents[0].WorkflowStarted.Version = version;
        }

        var parent = instance.StartEvent?.ParentInstance;
        var pastCount = instance.History.Count;
        instance.History.AddRange(turn.NewEvents);
        instance.Inbox.RemoveRange(0, turn.InboxEventsTaken);
        instance.SyncedInboxCount = 0;
        instance.CustomStatus = string.IsNullOrEmpty(response.CustomStatus) ? null : response.CustomStatus;

        var activities = new List<HistoryEvent>();
        var timers = new List<HistoryEvent>();
        var children = new List<HistoryEvent>();
        CompleteWorkflowAction? continueAsNew = null;
        foreach (var action in response.Actions)
        {
            if (instance.IsCompleted || continueAsNew is not null)
            {
                break;
            }

            var recorded = WorkflowInstanceState.NewEvent(now, action.Id);
            switch (action.WorkflowActionTypeCase)
            {
                case WorkflowAction.WorkflowActionTypeOneofCase.ScheduleTask:
                    var task = action.ScheduleTask;
                    recorded.TaskScheduled = new TaskScheduledEvent { Name = task.Name, Version = task.Version, Input = task.Input, TaskExecutionId = task.TaskExecutionId, ParentTraceContext = OrchestrationTrace(instance) };
                    activities.Add(recorded);
                    break;
                case WorkflowAction.WorkflowActionTypeOneofCase.CreateTimer:
                    recorded.TimerCreated = TimerCreatedFrom(action.CreateTimer);
                    timers.Add(recorded);
                    break;
                case WorkflowAction.WorkflowActionTypeOneofCase.CreateChildWorkflow:
                    var child = action.CreateChildWorkflow;
                    recorded.ChildWorkflowInstanceCreated = new ChildWorkflowInstanceCreatedEvent
                    {
                        InstanceId = child.InstanceId is { Length: > 0 } childId ? childId : $"{instance.Id}:{action.Id:x4}",
                        Name = child.Name,
                        Version = child.Version,
                        Input = child.Input,
                        ParentTraceContext = OrchestrationTrace(instance),
                    };
                    children.Add(recorded);
                    break;
                case WorkflowAction.WorkflowActionTypeOneofCase.SendEvent:
                    var send = action.SendEvent;
                    recorded.EventSent = new EventSentEvent { InstanceId = send.Instance?.InstanceId ?? "", Name = send.Name, Input = send.Data };
                    followUps.Add(() => DeliverEventAsync(recorded.EventSent));
                    break;
                case WorkflowAction.WorkflowActionTypeOneofCase.TerminateWorkflow:
                    var terminate = action.TerminateWorkflow;
                    followUps.Add(() => TerminateAsync(terminate.InstanceId, terminate.Reason, terminate.Recurse, wait: false, _stopping.Token));
                    continue;
                case WorkflowAction.WorkflowActionTypeOneofCase.CompleteWorkflow when action.CompleteWorkflow.WorkflowStatus == OrchestrationStatus.ContinuedAsNew:
                    continueAsNew = action.CompleteWorkflow;
                    continue;
                case WorkflowAction.WorkflowActionTypeOneofCase.CompleteWorkflow:
                    var complete = action.CompleteWorkflow;
                    recorded.ExecutionCompleted = new ExecutionCompletedEvent
                    {
                        WorkflowStatus = complete.WorkflowStatus,
                        Result = complete.WorkflowStatus == OrchestrationStatus.Completed ? complete.Result : null,
                        FailureDetails = complete.FailureDetails,
                    };
                    break;
                default:
                    _logger.LogWarning("Workflow {InstanceId}: action {Action} is not supported by the local sidecar and was ignored", instance.Id, action.WorkflowActionTypeCase);
                    continue;
            }

            recorded.Router = new TaskRouter { SourceAppID = _appId };
            instance.History.Add(recorded);
        }

        if (continueAsNew is not null)
        {
            StartNewGeneration(instance, continueAsNew);
            activities.Clear();
            timers.Clear();
            children.Clear();
        }

        // The activities go to workers while the turn is being committed, as a turn goes out while its inbox event is:
        // a result waits for the instance's gate, so it is applied only after the commit, and should the commit fail,
        // the result finds no schedule and is dropped (the activity runs again with the turn: at least once, as in daprd).
        foreach (var scheduled in activities)
        {
            SendActivity(instance, scheduled);
        }

        await SaveAsync(instance);

        foreach (var timer in timers)
        {
            ArmTimer(instance, timer);
        }

        if (!instance.IsCompleted && continueAsNew is null)
        {
            foreach (var timerId in CancelledEventTimers.Find(instance.History, pastCount))
            {
                instance.CancelTimer(timerId);
            }
        }

        foreach (var created in children)
        {
            followUps.Add(() => StartChildAsync(instance.Id, instance.ExecutionId, instance.Started!.Name, created));
        }

        if (instance.Completed is { } completed)
        {
            RecordExecution(instance, completed);
            Finish(instance, turn, completed, parent, followUps);
        }

        if (instance.IsCompleted)
        {
            // A finished instance is read from the store when next asked for: memory holds only running ones. It is
            // evicted before its waiters wake, so that they answer from it rather than read it back.
            instance.Evicted = true;
            _instances.TryRemove(KeyValuePair.Create(instance.Id, instance));
        }
        else
        {
            ScheduleTurn(instance);
        }

        instance.SignalChanged();
    }

    private void Finish(WorkflowInstanceState instance, WorkflowTurn turn, ExecutionCompletedEvent completed, ParentInstanceInfo? parent, List<Func<Task>> followUps)
    {
        instance.CancelTimers();
        TraceEnd(instance, completed);
        var id = instance.Id;
        _dispatcher.Cancel(item => item.InstanceId == id);
        if (parent is not null)
        {
            followUps.Add(() => NotifyParentAsync(parent, completed));
        }

        var terminate = turn.NewEvents.LastOrDefault(e => e.EventTypeCase == EventType.ExecutionTerminated)?.ExecutionTerminated;
        if (terminate is { Recurse: true })
        {
            foreach (var child in UnfinishedChildren(instance))
            {
                followUps.Add(() => TerminateIfExistsAsync(child, terminate.Input));
            }
        }
    }

    private static List<string> UnfinishedChildren(WorkflowInstanceState instance) =>
        instance.History.Where(e => e.EventTypeCase == EventType.ChildWorkflowInstanceCreated
                && !instance.IsResolved(e.EventId))
            .Select(e => e.ChildWorkflowInstanceCreated.InstanceId)
            .ToList();

    /// <summary>Continue-as-new: the history is replaced by a new start event (same name and parent, the new input, a
    /// new execution id) followed by the events the worker carried over, and the new generation runs at once.</summary>
    private void StartNewGeneration(WorkflowInstanceState instance, CompleteWorkflowAction action)
    {
        var previous = instance.Started!;
        var waiting = instance.Inbox.ToList();
        TraceContinueAsNew(instance);
        BeginNewGeneration(instance);
        var started = StartEvent(instance.Id, previous.Name, action.NewVersion is { Length: > 0 } newVersion ? newVersion : previous.Version, action.Result);
        started.ExecutionStarted.ParentInstance = previous.ParentInstance;
        started.ExecutionStarted.ParentTraceContext = previous.ParentTraceContext;
        instance.Inbox.Add(started);
        instance.Inbox.AddRange(action.CarryoverEvents);
        instance.Inbox.AddRange(waiting);
    }

    /// <summary>Forgets the current generation (a finished run whose id starts again, or continue-as-new).</summary>
    private void BeginNewGeneration(WorkflowInstanceState instance)
    {
        var id = instance.Id;
        _dispatcher.Cancel(item => item.InstanceId == id);
        instance.Reset();
        instance.Generation++;
    }

    /// <summary>An ExecutionStarted for a new execution (a fresh execution id), stamped with this app as daprd stamps
    /// it: the .NET SDK reads its own app id from there.</summary>
    private HistoryEvent StartEvent(string instanceId, string name, string? version, string? input)
    {
        var started = WorkflowInstanceState.NewEvent(Now);
        started.Router = new TaskRouter { SourceAppID = _appId };
        started.ExecutionStarted = new ExecutionStartedEvent
        {
            Name = name,
            Version = version,
            Input = input,
            WorkflowInstance = new Dapr.DurableTask.Protobuf.WorkflowInstance { InstanceId = instanceId, ExecutionId = Guid.NewGuid().ToString() },
        };
        return started;
    }

    /// <summary>Hands the instance's next turn to a worker when events wait and no turn is in flight.</summary>
    private void ScheduleTurn(WorkflowInstanceState instance)
    {
        if (instance.Turn is not null || instance.Inbox.Count == 0 || instance.IsCompleted)
        {
            return;
        }

        if (instance.Inbox[0].ExecutionStarted?.ScheduledStartTimestamp is { } startAt && startAt.ToDateTimeOffset() > Now)
        {
            ArmScheduledStart(instance, startAt.ToDateTimeOffset());
            return;
        }

        RecordScheduling(instance);
        var workflowStarted = WorkflowInstanceState.NewEvent(Now);
        workflowStarted.WorkflowStarted = new WorkflowStartedEvent();
        var newEvents = new List<HistoryEvent>(instance.Inbox.Count + 1) { workflowStarted };
        newEvents.AddRange(instance.Inbox);
        instance.Turn = new WorkflowTurn(newEvents, instance.Inbox.Count);
        var request = new WorkflowRequest { InstanceId = instance.Id, ExecutionId = instance.ExecutionId };
        request.PastEvents.Add(instance.History);
        request.NewEvents.Add(newEvents);
        TraceTurn(instance);
        _dispatcher.Send(new PendingWorkItem(instance.Id, null, instance.ExecutionId, () => new WorkItem { WorkflowRequest = request.Clone() }));
    }

    /// <summary>Adds an event a client or worker sent (start, raise, terminate, suspend, resume, an activity's result),
    /// committed before the caller hears back. The turn that takes it goes to a worker while it is being committed: the
    /// worker's answer waits for the instance's gate, so it is applied only after the commit.</summary>
    private async Task AddToInboxAsync(WorkflowInstanceState instance, HistoryEvent e)
    {
        instance.Inbox.Add(e);
        ScheduleTurn(instance);
        await SaveAsync(instance);
        instance.SignalChanged();
    }

    /// <summary>Adds an event the engine produces again after a crash (a fired timer, a child's result): it goes into
    /// the next turn at once and is committed with that turn's result, saving a write per event.</summary>
    private void AddToInboxDeferred(WorkflowInstanceState instance, HistoryEvent e)
    {
        instance.Inbox.Add(e);
        ScheduleTurn(instance);
    }

    private Task SaveAsync(WorkflowInstanceState instance) => Store.SaveAsync(instance, CancellationToken.None);

    private async Task<bool> AddLifecycleEventAsync(string id, HistoryEvent e, CancellationToken cancellationToken) =>
        await RecordOperationAsync("add_event", () => WithInstanceAsync(id, async (instance, _) =>
        {
            RequireExists(instance);
            if (instance.IsCompleted)
            {
                return false;
            }

            await AddToInboxAsync(instance, e);
            return true;
        }, cancellationToken));

    /// <summary>Re-arms what a stored, unfinished instance was waiting for (after a restart).</summary>
    private void Resume(WorkflowInstanceState instance, List<Func<Task>> followUps)
    {
        if (!instance.Exists)
        {
            return;
        }

        if (instance.IsCompleted)
        {
            if (instance.Started?.ParentInstance is { } parent)
            {
                var completed = instance.Completed!;
                followUps.Add(() => NotifyParentAsync(parent, completed));
            }

            return;
        }

        var cancelledTimers = CancelledEventTimers.Find(instance.History, 0);
        foreach (var e in instance.History)
        {
            switch (e.EventTypeCase)
            {
                case EventType.TimerCreated when !instance.IsResolved(e.EventId) && !cancelledTimers.Contains(e.EventId):
                    ArmTimer(instance, e);
                    break;
                case EventType.TaskScheduled when !instance.IsResolved(e.EventId):
                    SendActivity(instance, e);
                    break;
                case EventType.ChildWorkflowInstanceCreated when !instance.IsResolved(e.EventId):
                    var (parentId, executionId, name) = (instance.Id, instance.ExecutionId, instance.Started!.Name);
                    followUps.Add(() => StartChildAsync(parentId, executionId, name, e));
                    break;
            }
        }

        ScheduleTurn(instance);
    }
}
