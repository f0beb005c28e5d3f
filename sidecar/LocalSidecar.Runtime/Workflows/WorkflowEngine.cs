using System.Collections.Concurrent;
using Dapr.DurableTask.Protobuf;
using Google.Protobuf.WellKnownTypes;
using LocalSidecar.Components.State;
using Microsoft.Extensions.Logging;
using EventType = Dapr.DurableTask.Protobuf.HistoryEvent.EventTypeOneofCase;

namespace LocalSidecar.Workflows;

/// <summary>
/// The workflow engine daprd runs for <c>Dapr.Workflow</c>, on this sidecar's app id: instances keep their history and
/// inbox in the actor state store (<see cref="WorkflowStore"/>); each turn hands the worker the committed history and
/// the new events, and the worker's answer (actions) is appended to the history and acted on after it is committed:
/// activities go to a worker, timers are armed, children started, parents told. One turn per instance is in flight.
/// After a restart every unfinished instance is resumed from what is stored: pending timers re-armed, activities
/// without a result sent again (at least once, as in daprd), waiting events handed over in a new turn.
/// </summary>
public sealed class WorkflowEngine : IDisposable
{
    private readonly ConcurrentDictionary<string, WorkflowInstanceState> _instances = new(StringComparer.Ordinal);
    private readonly WorkItemDispatcher _dispatcher = new();
    private readonly Dictionary<object, WorkflowStore?> _members = [];
    private readonly SemaphoreSlim _membership = new(1, 1);
    private readonly string _appId;
    private readonly TimeSpan _turnTimeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private CancellationTokenSource _stopping = new();
    private bool _resumed;

    /// <summary>One engine per app id serves every sidecar of that app in a process (the runner's replicas): they share
    /// the instances and hand work items to all of the app's connected workers, one worker per item.</summary>
    public WorkflowEngine(string appId, ILoggerFactory loggerFactory, TimeSpan turnTimeout)
    {
        _appId = appId;
        _turnTimeout = turnTimeout;
        _time = TimeProvider.System;
        _logger = loggerFactory.CreateLogger<WorkflowEngine>();
        var ns = Environment.GetEnvironmentVariable("NAMESPACE") is { Length: > 0 } value ? value : "default";
        ActorType = $"dapr.internal.{ns}.{appId}.workflow";
    }

    /// <summary>daprd's internal actor type for this app's workflows; instance state lives under it.</summary>
    public string ActorType { get; }

    /// <summary>The app's workers connected through <paramref name="sidecar"/>, as its metadata shows them.</summary>
    public int ConnectedWorkers(object sidecar) => _dispatcher.ConnectedWorkers(sidecar);

    /// <summary>The first member sidecar's actor state store (replicas are configured alike).</summary>
    private WorkflowStore Store
    {
        get
        {
            lock (_members)
            {
                return _members.Values.FirstOrDefault(s => s is not null) ?? throw WorkflowException.NoActorStateStore();
            }
        }
    }

    /// <summary>A sidecar starts serving this engine with its actor state store (null when it has none). The first
    /// member with a store resumes every unfinished instance found in it (they run once a worker connects).</summary>
    public async Task JoinAsync(object sidecar, ITransactionalStateStore? actorStateStore, CancellationToken cancellationToken)
    {
        await _membership.WaitAsync(cancellationToken);
        try
        {
            lock (_members)
            {
                _members[sidecar] = actorStateStore is null ? null : new WorkflowStore(actorStateStore, _appId, ActorType);
                if (_members.Count == 1)
                {
                    _ = ResendUnansweredTurnsAsync(_stopping.Token);
                }
            }

            if (actorStateStore is not null && !_resumed)
            {
                _resumed = true;
                await ResumeStoredInstancesAsync(cancellationToken);
            }
        }
        finally
        {
            _membership.Release();
        }
    }

    /// <summary>A sidecar stops: the streams of its workers end (what they had in flight goes to other workers or
    /// waits). When the last member leaves, the engine stops its timers and forgets what it held in memory.</summary>
    public async Task LeaveAsync(object sidecar)
    {
        await _membership.WaitAsync();
        try
        {
            _dispatcher.CloseAll(sidecar);
            lock (_members)
            {
                _members.Remove(sidecar);
                if (_members.Count > 0)
                {
                    return;
                }
            }

            await _stopping.CancelAsync();
            _stopping.Dispose();
            _stopping = new CancellationTokenSource();
            foreach (var instance in _instances.Values)
            {
                instance.Unload();
            }

            _instances.Clear();
            _resumed = false;
        }
        finally
        {
            _membership.Release();
        }
    }

    /// <summary>A worker that takes a turn and never answers would hold its instance for ever: after the turn timeout
    /// the turn goes to another worker (or the same, if it is the only one), with a warning naming the instance.</summary>
    private async Task ResendUnansweredTurnsAsync(CancellationToken stopping)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Clamp(_turnTimeout.TotalMilliseconds / 4, 25, 1000)));
        try
        {
            while (await tick.WaitForNextTickAsync(stopping))
            {
                foreach (var item in _dispatcher.ResendUnansweredTurns(DateTimeOffset.UtcNow - _turnTimeout))
                {
                    _logger.LogWarning("Workflow {InstanceId} of app {AppId}: a worker did not answer its turn within {Timeout}; the turn was sent again, to another worker if one is connected",
                        item.InstanceId, _appId, _turnTimeout);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The last sidecar of the app stopped.
        }
    }

    private async Task ResumeStoredInstancesAsync(CancellationToken cancellationToken)
    {
        var ids = await Store.InstanceIdsAsync(cancellationToken);
        foreach (var id in ids)
        {
            await WithInstanceAsync(id, (instance, followUps) =>
            {
                Resume(instance, followUps);
                return Task.CompletedTask;
            }, cancellationToken);
        }

        if (ids.Count > 0)
        {
            _logger.LogInformation("Workflow engine for app {AppId} found {Count} stored workflow instances", _appId, ids.Count);
        }
    }

    // ---- client operations ----

    /// <summary>Creates the instance; with <paramref name="waitForStart"/> (the gRPC API) waits, as daprd does, until a
    /// worker has run its first turn unless it has a start time.</summary>
    public async Task<string> StartInstanceAsync(CreateInstanceRequest request, bool waitForStart, CancellationToken cancellationToken)
    {
        var id = request.InstanceId is { Length: > 0 } given ? given : Guid.NewGuid().ToString("N");
        await WithInstanceAsync(id, async (instance, _) =>
        {
            if (instance.Exists && !instance.IsCompleted)
            {
                throw new WorkflowException(WorkflowErrorKind.AlreadyExists, $"an active workflow with ID '{id}' already exists");
            }

            if (instance.Exists)
            {
                BeginNewGeneration(instance);
            }

            var started = StartEvent(id, request.Name, request.Version, request.Input);
            started.ExecutionStarted.ScheduledStartTimestamp = request.ScheduledStartTimestamp;
            started.ExecutionStarted.ParentTraceContext = request.ParentTraceContext;
            started.ExecutionStarted.Tags.Add(request.Tags);
            await AddToInboxAsync(instance, started);
        }, cancellationToken);

        if (waitForStart && request.ScheduledStartTimestamp is null)
        {
            await WaitAsync(id, status => status != OrchestrationStatus.Pending, false, cancellationToken);
        }

        return id;
    }

    public Task<GetInstanceResponse> GetInstanceAsync(string id, bool withPayloads, CancellationToken cancellationToken) =>
        WithInstanceAsync(id, (instance, _) => Task.FromResult(Describe(instance, withPayloads)), cancellationToken);

    /// <summary>Waits (server-side) until the instance exists with a status <paramref name="done"/> accepts; an
    /// unknown id waits too, as in daprd, until the caller gives up.</summary>
    public async Task<GetInstanceResponse> WaitAsync(string id, Func<OrchestrationStatus, bool> done, bool withPayloads, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed = Task.CompletedTask;
            var answer = await WithInstanceAsync(id, (instance, _) =>
            {
                changed = instance.Changed;
                return Task.FromResult(instance.Exists && done(instance.Status) ? Describe(instance, withPayloads) : null);
            }, cancellationToken);
            if (answer is not null)
            {
                return answer;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    public static bool IsTerminal(OrchestrationStatus status) =>
        status is OrchestrationStatus.Completed or OrchestrationStatus.Failed or OrchestrationStatus.Terminated or OrchestrationStatus.Canceled;

    public Task RaiseEventAsync(string id, string name, string? input, CancellationToken cancellationToken) =>
        WithInstanceAsync(id, async (instance, _) =>
        {
            RequireExists(instance);
            if (instance.IsCompleted)
            {
                return;
            }

            var raised = WorkflowInstanceState.NewEvent(Now);
            raised.EventRaised = new EventRaisedEvent { Name = name, Input = input };
            await AddToInboxAsync(instance, raised);
        }, cancellationToken);

    /// <summary>Asks the instance to end as Terminated and waits until it has; a finished instance is left as it is.</summary>
    public async Task TerminateAsync(string id, string? output, bool recursive, bool wait, CancellationToken cancellationToken)
    {
        var pending = await WithInstanceAsync(id, async (instance, _) =>
        {
            if (!instance.Exists)
            {
                throw new WorkflowException(WorkflowErrorKind.NotFound, "failed to submit termination request: no such instance exists");
            }

            if (instance.IsCompleted)
            {
                return false;
            }

            var terminated = WorkflowInstanceState.NewEvent(Now);
            terminated.ExecutionTerminated = new ExecutionTerminatedEvent { Input = output, Recurse = recursive };
            await AddToInboxAsync(instance, terminated);
            return true;
        }, cancellationToken);
        if (pending && wait)
        {
            await WaitAsync(id, IsTerminal, false, cancellationToken);
        }
    }

    public async Task SuspendAsync(string id, string? reason, bool wait, CancellationToken cancellationToken)
    {
        var suspended = WorkflowInstanceState.NewEvent(Now);
        suspended.ExecutionSuspended = new ExecutionSuspendedEvent { Input = string.IsNullOrEmpty(reason) ? null : reason };
        if (await AddLifecycleEventAsync(id, suspended, cancellationToken) && wait)
        {
            await WaitAsync(id, s => s == OrchestrationStatus.Suspended || IsTerminal(s), false, cancellationToken);
        }
    }

    public async Task ResumeAsync(string id, string? reason, bool wait, CancellationToken cancellationToken)
    {
        var resumed = WorkflowInstanceState.NewEvent(Now);
        resumed.ExecutionResumed = new ExecutionResumedEvent { Input = string.IsNullOrEmpty(reason) ? null : reason };
        if (await AddLifecycleEventAsync(id, resumed, cancellationToken) && wait)
        {
            await WaitAsync(id, s => s == OrchestrationStatus.Running || IsTerminal(s), false, cancellationToken);
        }
    }

    /// <summary>Deletes a finished instance (and, when <paramref name="recursive"/>, its children first); returns how many
    /// instances were deleted.</summary>
    public async Task<int> PurgeAsync(string id, bool recursive, bool force, CancellationToken cancellationToken)
    {
        var children = await WithInstanceAsync(id, (instance, _) =>
        {
            RequireExists(instance);
            if (!instance.IsCompleted && !force)
            {
                throw new WorkflowException(WorkflowErrorKind.Failed, $"unable to purge workflow '{id}': orchestration has not yet completed");
            }

            return Task.FromResult(instance.History.Where(e => e.EventTypeCase == EventType.ChildWorkflowInstanceCreated)
                .Select(e => e.ChildWorkflowInstanceCreated.InstanceId).ToList());
        }, cancellationToken);

        var deleted = 0;
        if (recursive)
        {
            foreach (var child in children)
            {
                try
                {
                    deleted += await PurgeAsync(child, recursive, force, cancellationToken);
                }
                catch (WorkflowException e) when (e.Kind == WorkflowErrorKind.NotFound)
                {
                    // Already purged on its own.
                }
            }
        }

        return deleted + await WithInstanceAsync(id, async (instance, _) =>
        {
            if (!instance.Exists)
            {
                return 0;
            }

            _dispatcher.Cancel(item => item.InstanceId == id);
            await Store.DeleteAsync(instance, CancellationToken.None);
            instance.SignalChanged();
            return 1;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string id, CancellationToken cancellationToken) =>
        WithInstanceAsync(id, (instance, _) => instance.Exists
            ? Task.FromResult<IReadOnlyList<HistoryEvent>>(instance.History.ToList())
            : throw new WorkflowException(WorkflowErrorKind.NotFound, $"workflow instance '{id}' not found"), cancellationToken);

    public Task<IReadOnlyList<string>> ListInstanceIdsAsync(CancellationToken cancellationToken) =>
        Store.InstanceIdsAsync(cancellationToken);

    // ---- worker side ----

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

        await WithInstanceAsync(item.InstanceId, async (instance, followUps) =>
        {
            if (instance.Turn is not { } turn || instance.ExecutionId != item.ExecutionId)
            {
                return;
            }

            await ApplyTurnAsync(instance, turn, response, followUps);
        }, cancellationToken);
    }

    public async Task CompleteActivityAsync(ActivityResponse response, CancellationToken cancellationToken)
    {
        var item = _dispatcher.Complete(response.CompletionToken, i => i.IsActivity && i.InstanceId == response.InstanceId && i.TaskId == response.TaskId);
        if (item is null)
        {
            return;
        }

        await WithInstanceAsync(item.InstanceId, async (instance, _) =>
        {
            var taskId = item.TaskId!.Value;
            var scheduled = instance.History.FirstOrDefault(e => e.EventTypeCase == EventType.TaskScheduled && e.EventId == taskId);
            if (instance.IsCompleted || instance.ExecutionId != item.ExecutionId || scheduled is null
                || instance.IsResolved(taskId, EventType.TaskCompleted) || instance.IsResolved(taskId, EventType.TaskFailed))
            {
                return;
            }

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
                    recorded.TaskScheduled = new TaskScheduledEvent { Name = task.Name, Version = task.Version, Input = task.Input, TaskExecutionId = task.TaskExecutionId };
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

        await SaveAsync(instance);

        foreach (var scheduled in activities)
        {
            SendActivity(instance, scheduled);
        }

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
            Finish(instance, turn, completed, parent, followUps);
        }

        instance.SignalChanged();
        if (instance.IsCompleted)
        {
            // A finished instance is read from the store when next asked for: memory holds only running ones.
            instance.Evicted = true;
            _instances.TryRemove(KeyValuePair.Create(instance.Id, instance));
        }
        else
        {
            ScheduleTurn(instance);
        }
    }

    private void Finish(WorkflowInstanceState instance, WorkflowTurn turn, ExecutionCompletedEvent completed, ParentInstanceInfo? parent, List<Func<Task>> followUps)
    {
        instance.CancelTimers();
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
                && !instance.IsResolved(e.EventId, EventType.ChildWorkflowInstanceCompleted)
                && !instance.IsResolved(e.EventId, EventType.ChildWorkflowInstanceFailed))
            .Select(e => e.ChildWorkflowInstanceCreated.InstanceId)
            .ToList();

    /// <summary>Continue-as-new: the history is replaced by a new start event (same name and parent, the new input, a
    /// new execution id) followed by the events the worker carried over, and the new generation runs at once.</summary>
    private void StartNewGeneration(WorkflowInstanceState instance, CompleteWorkflowAction action)
    {
        var previous = instance.Started!;
        var waiting = instance.Inbox.ToList();
        BeginNewGeneration(instance);
        var started = StartEvent(instance.Id, previous.Name, action.NewVersion is { Length: > 0 } newVersion ? newVersion : previous.Version, action.Result);
        started.ExecutionStarted.ParentInstance = previous.ParentInstance;
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

        var workflowStarted = WorkflowInstanceState.NewEvent(Now);
        workflowStarted.WorkflowStarted = new WorkflowStartedEvent();
        var newEvents = new List<HistoryEvent>(instance.Inbox.Count + 1) { workflowStarted };
        newEvents.AddRange(instance.Inbox);
        instance.Turn = new WorkflowTurn(newEvents, instance.Inbox.Count);
        var request = new WorkflowRequest { InstanceId = instance.Id, ExecutionId = instance.ExecutionId };
        request.PastEvents.Add(instance.History);
        request.NewEvents.Add(newEvents);
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
        await WithInstanceAsync(id, async (instance, _) =>
        {
            RequireExists(instance);
            if (instance.IsCompleted)
            {
                return false;
            }

            await AddToInboxAsync(instance, e);
            return true;
        }, cancellationToken);

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
                case EventType.TimerCreated when !instance.IsResolved(e.EventId, EventType.TimerFired) && !cancelledTimers.Contains(e.EventId):
                    ArmTimer(instance, e);
                    break;
                case EventType.TaskScheduled when !instance.IsResolved(e.EventId, EventType.TaskCompleted) && !instance.IsResolved(e.EventId, EventType.TaskFailed):
                    SendActivity(instance, e);
                    break;
                case EventType.ChildWorkflowInstanceCreated when !instance.IsResolved(e.EventId, EventType.ChildWorkflowInstanceCompleted)
                    && !instance.IsResolved(e.EventId, EventType.ChildWorkflowInstanceFailed):
                    var (parentId, executionId, name) = (instance.Id, instance.ExecutionId, instance.Started!.Name);
                    followUps.Add(() => StartChildAsync(parentId, executionId, name, e));
                    break;
            }
        }

        ScheduleTurn(instance);
    }

    // ---- side effects ----

    private void SendActivity(WorkflowInstanceState instance, HistoryEvent scheduled)
    {
        var request = new ActivityRequest
        {
            Name = scheduled.TaskScheduled.Name,
            Version = scheduled.TaskScheduled.Version,
            Input = scheduled.TaskScheduled.Input,
            WorkflowInstance = new Dapr.DurableTask.Protobuf.WorkflowInstance { InstanceId = instance.Id },
            TaskId = scheduled.EventId,
            TaskExecutionId = scheduled.TaskScheduled.TaskExecutionId,
        };
        _dispatcher.Send(new PendingWorkItem(instance.Id, scheduled.EventId, instance.ExecutionId, () => new WorkItem { ActivityRequest = request.Clone() }));
    }

    private void ArmTimer(WorkflowInstanceState instance, HistoryEvent created)
    {
        var timerId = created.EventId;
        var fireAt = created.TimerCreated.FireAt;
        var (id, executionId) = (instance.Id, instance.ExecutionId);
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        instance.Timers[timerId] = cancel;
        _ = Task.Run(async () =>
        {
            if (!await DelayUntilAsync(fireAt.ToDateTimeOffset(), cancel.Token))
            {
                return;
            }

            await RunFollowUpAsync(() => WithInstanceAsync(id, (current, _) =>
            {
                if (current.IsCompleted || current.ExecutionId != executionId || current.IsResolved(timerId, EventType.TimerFired))
                {
                    return Task.CompletedTask;
                }

                current.Timers.Remove(timerId);
                var fired = WorkflowInstanceState.NewEvent(Now);
                fired.TimerFired = new TimerFiredEvent { TimerId = timerId, FireAt = fireAt };
                AddToInboxDeferred(current, fired);
                return Task.CompletedTask;
            }, _stopping.Token));
        });
    }

    private void ArmScheduledStart(WorkflowInstanceState instance, DateTimeOffset startAt)
    {
        const int ScheduledStartTimer = int.MinValue;
        if (instance.Timers.ContainsKey(ScheduledStartTimer))
        {
            return;
        }

        var id = instance.Id;
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        instance.Timers[ScheduledStartTimer] = cancel;
        _ = Task.Run(async () =>
        {
            if (await DelayUntilAsync(startAt, cancel.Token))
            {
                await RunFollowUpAsync(() => WithInstanceAsync(id, (current, _) =>
                {
                    current.Timers.Remove(ScheduledStartTimer);
                    ScheduleTurn(current);
                    return Task.CompletedTask;
                }, _stopping.Token));
            }
        });
    }

    private Task StartChildAsync(string parentId, string parentExecutionId, string parentName, HistoryEvent created) =>
        WithInstanceAsync(created.ChildWorkflowInstanceCreated.InstanceId, async (child, _) =>
        {
            var ownParent = child.StartEvent?.ParentInstance?.WorkflowInstance;
            if (child.Exists && ownParent?.InstanceId == parentId && ownParent.ExecutionId == parentExecutionId)
            {
                return; // already started (resumed after a restart)
            }

            if (child.Exists && !child.IsCompleted)
            {
                _logger.LogWarning("Workflow {ParentId} asked for child {ChildId}, which is already running for another parent", parentId, child.Id);
                return;
            }

            if (child.Exists)
            {
                BeginNewGeneration(child);
            }

            var info = created.ChildWorkflowInstanceCreated;
            var started = StartEvent(child.Id, info.Name, info.Version, info.Input);
            started.ExecutionStarted.ParentInstance = new ParentInstanceInfo
            {
                TaskScheduledId = created.EventId,
                Name = parentName,
                WorkflowInstance = new Dapr.DurableTask.Protobuf.WorkflowInstance { InstanceId = parentId, ExecutionId = parentExecutionId },
                AppID = _appId,
            };
            await AddToInboxAsync(child, started);
        }, _stopping.Token);

    private Task NotifyParentAsync(ParentInstanceInfo parent, ExecutionCompletedEvent completed) =>
        WithInstanceAsync(parent.WorkflowInstance.InstanceId, (instance, _) =>
        {
            var taskId = parent.TaskScheduledId;
            if (!instance.Exists || instance.IsCompleted || instance.ExecutionId != parent.WorkflowInstance.ExecutionId
                || instance.IsResolved(taskId, EventType.ChildWorkflowInstanceCompleted) || instance.IsResolved(taskId, EventType.ChildWorkflowInstanceFailed))
            {
                return Task.CompletedTask;
            }

            var result = WorkflowInstanceState.NewEvent(Now);
            if (completed.WorkflowStatus == OrchestrationStatus.Completed)
            {
                result.ChildWorkflowInstanceCompleted = new ChildWorkflowInstanceCompletedEvent { TaskScheduledId = taskId, Result = completed.Result };
            }
            else
            {
                result.ChildWorkflowInstanceFailed = new ChildWorkflowInstanceFailedEvent
                {
                    TaskScheduledId = taskId,
                    FailureDetails = completed.FailureDetails ?? new TaskFailureDetails
                    {
                        ErrorType = completed.WorkflowStatus.ToString(),
                        ErrorMessage = $"the child workflow ended {completed.WorkflowStatus.ToString().ToUpperInvariant()}",
                    },
                };
            }

            AddToInboxDeferred(instance, result);
            return Task.CompletedTask;
        }, _stopping.Token);

    private async Task TerminateIfExistsAsync(string id, string? output)
    {
        try
        {
            await TerminateAsync(id, output, recursive: true, wait: false, _stopping.Token);
        }
        catch (WorkflowException e) when (e.Kind == WorkflowErrorKind.NotFound)
        {
            // A child that was never started has nothing to terminate.
        }
    }

    private Task DeliverEventAsync(EventSentEvent sent) =>
        WithInstanceAsync(sent.InstanceId, async (instance, _) =>
        {
            if (!instance.Exists || instance.IsCompleted)
            {
                return;
            }

            var raised = WorkflowInstanceState.NewEvent(Now);
            raised.EventRaised = new EventRaisedEvent { Name = sent.Name, Input = sent.Input };
            await AddToInboxAsync(instance, raised);
        }, _stopping.Token);

    // ---- plumbing ----

    /// <summary>Runs <paramref name="action"/> with the instance loaded and its gate held, then, with the gate released,
    /// the follow-ups it queued (work on other instances, so that no two gates are ever held at once). If the action
    /// fails, the instance is reloaded from the store next time: memory never runs ahead of what was committed.</summary>
    private async Task<T> WithInstanceAsync<T>(string id, Func<WorkflowInstanceState, List<Func<Task>>, Task<T>> action, CancellationToken cancellationToken)
    {
        var store = Store;
        var instance = _instances.GetOrAdd(id, static i => new WorkflowInstanceState(i));
        await instance.Gate.WaitAsync(cancellationToken);
        while (instance.Evicted)
        {
            instance.Gate.Release();
            instance = _instances.GetOrAdd(id, static i => new WorkflowInstanceState(i));
            await instance.Gate.WaitAsync(cancellationToken);
        }

        var followUps = new List<Func<Task>>();
        T result;
        try
        {
            if (!instance.Loaded)
            {
                await store.LoadAsync(instance, cancellationToken);
            }

            result = await action(instance, followUps);
        }
        catch (Exception e) when (e is not WorkflowException)
        {
            // A refusal (WorkflowException) comes before any change; anything else may leave memory ahead of the store.
            instance.Unload();
            throw;
        }
        finally
        {
            instance.Gate.Release();
        }

        foreach (var followUp in followUps)
        {
            await RunFollowUpAsync(followUp);
        }

        return result;
    }

    private async Task WithInstanceAsync(string id, Func<WorkflowInstanceState, List<Func<Task>>, Task> action, CancellationToken cancellationToken) =>
        await WithInstanceAsync(id, async (instance, followUps) =>
        {
            await action(instance, followUps);
            return true;
        }, cancellationToken);

    private async Task RunFollowUpAsync(Func<Task> followUp)
    {
        try
        {
            await followUp();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // What a follow-up failed to do is done again when the instances are resumed from the store.
            _logger.LogError(e, "Workflow engine: a follow-up step failed");
        }
    }

    private static void RequireExists(WorkflowInstanceState instance)
    {
        if (!instance.Exists)
        {
            throw WorkflowException.NoSuchInstance();
        }
    }

    private GetInstanceResponse Describe(WorkflowInstanceState instance, bool withPayloads)
    {
        if (!instance.Exists)
        {
            return new GetInstanceResponse { Exists = false };
        }

        var started = instance.Started;
        var state = new WorkflowState
        {
            InstanceId = instance.Id,
            Name = started?.Name ?? "",
            Version = started?.Version ?? "",
            WorkflowStatus = instance.Status,
            CreatedTimestamp = instance.History.FirstOrDefault(e => e.EventTypeCase == EventType.ExecutionStarted)?.Timestamp,
            LastUpdatedTimestamp = instance.History.LastOrDefault()?.Timestamp,
            StartedAt = instance.History.FirstOrDefault()?.Timestamp,
        };
        if (withPayloads)
        {
            state.Input = started?.Input;
            state.Output = instance.Completed?.Result;
            state.CustomStatus = instance.CustomStatus;
            state.FailureDetails = instance.Completed?.FailureDetails;
        }

        return new GetInstanceResponse { Exists = true, WorkflowState = state };
    }

    private static TimerCreatedEvent TimerCreatedFrom(CreateTimerAction action)
    {
        var created = new TimerCreatedEvent { FireAt = action.FireAt };
        if (action.HasName)
        {
            created.Name = action.Name;
        }

        switch (action.OriginCase)
        {
            case CreateTimerAction.OriginOneofCase.CreateTimer: created.CreateTimer = action.CreateTimer; break;
            case CreateTimerAction.OriginOneofCase.ExternalEvent: created.ExternalEvent = action.ExternalEvent; break;
            case CreateTimerAction.OriginOneofCase.ActivityRetry: created.ActivityRetry = action.ActivityRetry; break;
            case CreateTimerAction.OriginOneofCase.ChildWorkflowRetry: created.ChildWorkflowRetry = action.ChildWorkflowRetry; break;
        }

        return created;
    }

    /// <summary>False when cancelled. Waits in steps, since a wait may be years long (indefinite waits use 9999-12-31).</summary>
    private async Task<bool> DelayUntilAsync(DateTimeOffset due, CancellationToken cancellationToken)
    {
        try
        {
            for (var left = due - Now; left > TimeSpan.Zero; left = due - Now)
            {
                await Task.Delay(left < TimeSpan.FromDays(1) ? left : TimeSpan.FromDays(1), _time, cancellationToken);
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
        _membership.Dispose();
    }
}
