using Dapr.DurableTask.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace LocalSidecar.Workflows;

/// <summary>One workflow instance as the engine holds it in memory: its committed history, the events waiting for
/// the next turn (the inbox), the turn the worker is executing, and its durable timers. Every field is read and written
/// only while <see cref="Gate"/> is held.</summary>
internal sealed class WorkflowInstanceState(string id)
{
    public string Id { get; } = id;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    public bool Loaded { get; set; }

    /// <summary>Dropped from the engine's memory (finished); whoever waited for its gate looks the id up again.</summary>
    public bool Evicted { get; set; }

    /// <summary>Whether the store holds the instance (its metadata key exists).</summary>
    public bool Exists { get; set; }

    public ulong Generation { get; set; }

    public List<HistoryEvent> History { get; } = [];

    public List<HistoryEvent> Inbox { get; } = [];

    public string? CustomStatus { get; set; }

    /// <summary>How many history and inbox keys the store holds, so a save knows which keys to delete.</summary>
    public int StoredHistoryCount { get; set; }

    public int StoredInboxCount { get; set; }

    /// <summary>Like <see cref="SyncedHistoryCount"/> for the inbox: 0 once a turn took events from its front.</summary>
    public int SyncedInboxCount { get; set; }

    /// <summary>Whether the store holds the instance's unfinished marker (null: not known since the load, so the next
    /// save writes it either way).</summary>
    public bool? StoredActive { get; set; }

    /// <summary>The custom status as the store holds it, so a save writes it only when it changed.</summary>
    public string? StoredCustomStatus { get; set; }

    /// <summary>How many leading history events the store already holds as they are in memory, so a save writes only
    /// the rest; 0 after the history was replaced (continue-as-new, a new run under the same id).</summary>
    public int SyncedHistoryCount { get; set; }

    /// <summary>The turn handed to a worker and not yet answered; at most one per instance.</summary>
    public WorkflowTurn? Turn { get; set; }

    /// <summary>Durable timers armed in memory, by timer id; cancelled when the generation ends.</summary>
    public Dictionary<int, CancellationTokenSource> Timers { get; } = [];

    private TaskCompletionSource _changed = NewSignal();

    /// <summary>Completes at the next change of status or state; waiters take it, then re-read.</summary>
    public Task Changed => _changed.Task;

    public void SignalChanged()
    {
        var previous = _changed;
        _changed = NewSignal();
        previous.TrySetResult();
    }

    public ExecutionStartedEvent? Started =>
        History.FirstOrDefault(e => e.EventTypeCase == HistoryEvent.EventTypeOneofCase.ExecutionStarted)?.ExecutionStarted;

    public ExecutionCompletedEvent? Completed =>
        History.LastOrDefault(e => e.EventTypeCase == HistoryEvent.EventTypeOneofCase.ExecutionCompleted)?.ExecutionCompleted;

    public bool IsCompleted => Completed is not null;

    /// <summary>Derived from history as daprd derives it: never stored.</summary>
    public OrchestrationStatus Status
    {
        get
        {
            if (Completed is { } completed)
            {
                return completed.WorkflowStatus;
            }

            if (Started is null)
            {
                return OrchestrationStatus.Pending;
            }

            var lastPauseOrResume = History.LastOrDefault(e => e.EventTypeCase is HistoryEvent.EventTypeOneofCase.ExecutionSuspended
                or HistoryEvent.EventTypeOneofCase.ExecutionResumed);
            return lastPauseOrResume?.EventTypeCase == HistoryEvent.EventTypeOneofCase.ExecutionSuspended
                ? OrchestrationStatus.Suspended
                : OrchestrationStatus.Running;
        }
    }

    /// <summary>The start event of the current generation, committed or still in the inbox.</summary>
    public ExecutionStartedEvent? StartEvent =>
        Started ?? Inbox.FirstOrDefault(e => e.EventTypeCase == HistoryEvent.EventTypeOneofCase.ExecutionStarted)?.ExecutionStarted;

    public string ExecutionId => StartEvent?.WorkflowInstance?.ExecutionId ?? "";

    /// <summary>Clears everything kept for the instance (purge, or a new run under a finished instance's id).</summary>
    public void Reset()
    {
        CancelTimers();
        History.Clear();
        SyncedHistoryCount = 0;
        Inbox.Clear();
        SyncedInboxCount = 0;
        CustomStatus = null;
        Turn = null;
    }

    public void CancelTimer(int timerId)
    {
        if (Timers.Remove(timerId, out var timer))
        {
            timer.Cancel();
            timer.Dispose();
        }
    }

    public void CancelTimers()
    {
        foreach (var timer in Timers.Values)
        {
            timer.Cancel();
            timer.Dispose();
        }

        Timers.Clear();
    }

    /// <summary>Whether the history or inbox already resolves the task, timer or child that action
    /// <paramref name="actionId"/> scheduled (its completion or failure; action ids are unique within an execution).</summary>
    public bool IsResolved(int actionId) => History.Concat(Inbox).Any(e => ResolvedId(e) == actionId);

    private static int? ResolvedId(HistoryEvent e) => e.EventTypeCase switch
    {
        HistoryEvent.EventTypeOneofCase.TaskCompleted => e.TaskCompleted.TaskScheduledId,
        HistoryEvent.EventTypeOneofCase.TaskFailed => e.TaskFailed.TaskScheduledId,
        HistoryEvent.EventTypeOneofCase.TimerFired => e.TimerFired.TimerId,
        HistoryEvent.EventTypeOneofCase.ChildWorkflowInstanceCompleted => e.ChildWorkflowInstanceCompleted.TaskScheduledId,
        HistoryEvent.EventTypeOneofCase.ChildWorkflowInstanceFailed => e.ChildWorkflowInstanceFailed.TaskScheduledId,
        _ => null,
    };

    public static HistoryEvent NewEvent(DateTimeOffset now, int eventId = -1) =>
        new() { EventId = eventId, Timestamp = Timestamp.FromDateTimeOffset(now) };

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>A turn handed to a worker: the events it was given as new, and how many of them came from the inbox.</summary>
internal sealed record WorkflowTurn(IReadOnlyList<HistoryEvent> NewEvents, int InboxEventsTaken);
