using System.Collections.Concurrent;
using Dapr.DurableTask.Protobuf;
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
public sealed partial class WorkflowEngine : IDisposable
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
                TraceWith(sidecar);
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
                StopTracingWith(sidecar);
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
                instance.Loaded = false;
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

    /// <summary>Resumes what can still make progress, as daprd's reminders do: only the instances marked unfinished are
    /// loaded; a finished one stays in the store until it is asked for. A store without complete markers is read in
    /// full once, and its unfinished instances are marked.</summary>
    private async Task ResumeStoredInstancesAsync(CancellationToken cancellationToken)
    {
        var marked = await Store.ActiveInstanceIdsAsync(cancellationToken);
        var ids = marked ?? await Store.InstanceIdsAsync(cancellationToken);
        var unfinished = new List<WorkflowInstanceState>();
        var stale = new List<string>();
        foreach (var id in ids)
        {
            await WithInstanceAsync(id, (instance, followUps) =>
            {
                Resume(instance, followUps);
                if (instance.Exists && !instance.IsCompleted)
                {
                    unfinished.Add(instance);
                }
                else
                {
                    // Finished: memory holds only running instances. A marker found here is stale (a daprd finished or
                    // purged the instance; it knows nothing of markers).
                    if (marked is not null)
                    {
                        stale.Add(id);
                    }

                    instance.Evicted = true;
                    _instances.TryRemove(KeyValuePair.Create(instance.Id, instance));
                    instance.SignalChanged();
                }

                return Task.CompletedTask;
            }, cancellationToken);
        }

        if (marked is null)
        {
            await MarkUnfinishedAsync(unfinished, cancellationToken);
        }
        else if (stale.Count > 0)
        {
            await ClearStaleMarkersAsync(stale, cancellationToken);
        }

        ResumedAtStart = unfinished.Count;
        _logger.LogInformation("Workflow engine for app {AppId} resumed {Count} unfinished workflow instances after reading {Read} ({Source})",
            _appId, unfinished.Count, ids.Count, marked is null ? "every stored instance: the store had no complete markers" : "the unfinished markers");
    }

    private async Task MarkUnfinishedAsync(List<WorkflowInstanceState> unfinished, CancellationToken cancellationToken)
    {
        try
        {
            await Store.MarkActiveAsync(unfinished, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Nothing is lost: without the index key the next start reads every instance again.
            _logger.LogWarning("Workflow engine for app {AppId}: marking the unfinished workflow instances failed ({Error}); the next start reads every stored instance again",
                _appId, e.Message);
        }
    }

    private async Task ClearStaleMarkersAsync(List<string> ids, CancellationToken cancellationToken)
    {
        try
        {
            await Store.ClearActiveAsync(ids, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Nothing is lost: the next start reads these instances again and tries once more.
            _logger.LogWarning("Workflow engine for app {AppId}: clearing {Count} stale unfinished markers failed ({Error})", _appId, ids.Count, e.Message);
        }
    }

    /// <summary>How many instances the last start resumed (for tests: finished ones are not among them).</summary>
    public int ResumedAtStart { get; private set; }


    /// <summary>Creates the instance. <paramref name="viaGrpc"/>: as durabletask's gRPC executor does for daprd's gRPC
    /// API, it waits until a worker has run the first turn (unless the start has a time); else as its client does for
    /// the HTTP API, it returns at once and marks its <c>create_orchestration</c> span Error if the start is refused.</summary>
    public async Task<string> StartInstanceAsync(CreateInstanceRequest request, bool viaGrpc, CancellationToken cancellationToken)
    {
        var id = request.InstanceId is { Length: > 0 } given ? given : Guid.NewGuid().ToString("N");
        using var create = TraceCreate(request, id);
        try
        {
            await CreateAsync(request, id, create.ParentTraceContext, cancellationToken);
        }
        catch (Exception e) when (!viaGrpc)
        {
            create.Refused(e.Message);
            throw;
        }

        if (viaGrpc && request.ScheduledStartTimestamp is null)
        {
            await WaitAsync(id, status => status != OrchestrationStatus.Pending, false, cancellationToken);
        }

        return id;
    }

    private Task CreateAsync(CreateInstanceRequest request, string id, Dapr.DurableTask.Protobuf.TraceContext? parentTraceContext, CancellationToken cancellationToken) =>
        RecordOperationAsync("create_workflow", () => WithInstanceAsync(id, async (instance, _) =>
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
            started.ExecutionStarted.ParentTraceContext = parentTraceContext;
            started.ExecutionStarted.Tags.Add(request.Tags);
            await AddToInboxAsync(instance, started);
        }, cancellationToken));

    public Task<GetInstanceResponse> GetInstanceAsync(string id, bool withPayloads, CancellationToken cancellationToken) =>
        WithInstanceAsync(id, (instance, _) => Task.FromResult(Describe(instance, withPayloads)), cancellationToken);

    /// <summary>Waits (server-side) until the instance exists with a status <paramref name="done"/> accepts; an
    /// unknown id waits too, as in daprd, until the caller gives up.</summary>
    public async Task<GetInstanceResponse> WaitAsync(string id, Func<OrchestrationStatus, bool> done, bool withPayloads, CancellationToken cancellationToken)
    {
        while (true)
        {
            WorkflowInstanceState? seen = null;
            Task changed = Task.CompletedTask;
            var answer = await WithInstanceAsync(id, (instance, _) =>
            {
                (seen, changed) = (instance, instance.Changed);
                return Task.FromResult(instance.Exists && done(instance.Status) ? Describe(instance, withPayloads) : null);
            }, cancellationToken);
            if (answer is not null)
            {
                return answer;
            }

            await changed.WaitAsync(cancellationToken);

            // An instance that finished was evicted before it signalled, and nothing changes it after that: it is what
            // the store holds, so the waiter answers from it instead of reading the whole history back.
            if (seen!.Evicted && seen.Exists && done(seen.Status))
            {
                return Describe(seen, withPayloads);
            }
        }
    }

    public static bool IsTerminal(OrchestrationStatus status) =>
        status is OrchestrationStatus.Completed or OrchestrationStatus.Failed or OrchestrationStatus.Terminated or OrchestrationStatus.Canceled;

    public Task RaiseEventAsync(string id, string name, string? input, CancellationToken cancellationToken) =>
        RecordOperationAsync("add_event", () => WithInstanceAsync(id, async (instance, _) =>
        {
            RequireExists(instance);
            if (instance.IsCompleted)
            {
                return;
            }

            var raised = WorkflowInstanceState.NewEvent(Now);
            raised.EventRaised = new EventRaisedEvent { Name = name, Input = input };
            await AddToInboxAsync(instance, raised);
        }, cancellationToken));

    /// <summary>Asks the instance to end as Terminated and waits until it has; a finished instance is left as it is.</summary>
    public async Task TerminateAsync(string id, string? output, bool recursive, bool wait, CancellationToken cancellationToken)
    {
        var pending = await RecordOperationAsync("add_event", () => WithInstanceAsync(id, async (instance, _) =>
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
        }, cancellationToken));
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
    public Task<int> PurgeAsync(string id, bool recursive, bool force, CancellationToken cancellationToken) =>
        RecordOperationAsync("purge_workflow", () => PurgeInstanceAsync(id, recursive, force, cancellationToken));

    private async Task<int> PurgeInstanceAsync(string id, bool recursive, bool force, CancellationToken cancellationToken)
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
                    deleted += await PurgeInstanceAsync(child, recursive, force, cancellationToken);
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
            _spans.Forget(id); // a forced purge of a running instance: its open spans would otherwise stay in memory
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

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
        _membership.Dispose();
    }
}
