using System.Threading.Channels;
using Dapr.DurableTask.Protobuf;

namespace LocalSidecar.Workflows;

/// <summary>Hands work items to the workers connected on <c>GetWorkItems</c> streams, one stream per item, in turn.
/// An item waits while no worker is connected; an item whose stream ends before it was completed goes to another
/// stream (or waits) under a fresh completion token, as daprd re-sends the turn of an aborted actor call.</summary>
internal sealed class WorkItemDispatcher
{
    private readonly Lock _lock = new();
    private readonly List<WorkerStream> _workers = [];
    private readonly Queue<PendingWorkItem> _waiting = new();
    private readonly Dictionary<string, InFlight> _inFlight = new(StringComparer.Ordinal);
    private int _next;

    /// <summary>The workers connected through <paramref name="sidecar"/>.</summary>
    public int ConnectedWorkers(object sidecar)
    {
        lock (_lock)
        {
            return _workers.Count(w => w.Sidecar == sidecar);
        }
    }

    public WorkerStream Connect(object sidecar)
    {
        var worker = new WorkerStream(sidecar);
        lock (_lock)
        {
            _workers.Add(worker);
            while (_waiting.TryDequeue(out var item))
            {
                SendLocked(item);
            }
        }

        return worker;
    }

    public void Disconnect(WorkerStream worker)
    {
        lock (_lock)
        {
            _workers.Remove(worker);
            worker.Items.Writer.TryComplete();
            foreach (var (token, flight) in _inFlight.Where(f => f.Value.Worker == worker).ToList())
            {
                _inFlight.Remove(token);
                SendLocked(flight.Item);
            }
        }
    }

    /// <summary>Ends the streams of the workers connected through <paramref name="sidecar"/> (it is stopping); each
    /// stream's handler then disconnects its worker, which gives back what it had in flight.</summary>
    public void CloseAll(object sidecar)
    {
        lock (_lock)
        {
            foreach (var worker in _workers.Where(w => w.Sidecar == sidecar))
            {
                worker.Items.Writer.TryComplete();
            }
        }
    }

    public void Send(PendingWorkItem item)
    {
        lock (_lock)
        {
            SendLocked(item);
        }
    }

    /// <summary>The item a completion answers, taken out of flight; null when nothing in flight matches (a stale
    /// token, a duplicate answer, an item given back by a disconnect), which the caller ignores as daprd does. An empty
    /// token (the JavaScript SDK sends none) matches by <paramref name="matches"/>.</summary>
    public PendingWorkItem? Complete(string token, Func<PendingWorkItem, bool> matches)
    {
        lock (_lock)
        {
            if (token.Length == 0)
            {
                token = _inFlight.FirstOrDefault(f => matches(f.Value.Item)).Key ?? "";
            }

            if (!_inFlight.Remove(token, out var flight) || !matches(flight.Item))
            {
                return null;
            }

            flight.Worker.Unresponsive = false;
            return flight.Item;
        }
    }

    /// <summary>Takes back the workflow turns sent before <paramref name="sentBefore"/> and not answered, marks their
    /// workers unresponsive (they get no work while another worker is connected, until they answer something), and
    /// sends each turn again under a new token (a late answer to the old one is then stale and ignored). Returns what
    /// was taken back, for the log.</summary>
    public IReadOnlyList<PendingWorkItem> ResendUnansweredTurns(DateTimeOffset sentBefore)
    {
        lock (_lock)
        {
            var late = _inFlight.Where(f => !f.Value.Item.IsActivity && f.Value.SentAt < sentBefore).ToList();
            foreach (var (token, flight) in late)
            {
                _inFlight.Remove(token);
                flight.Worker.Unresponsive = true;
                SendLocked(flight.Item);
            }

            return late.Select(f => f.Value.Item).ToList();
        }
    }

    /// <summary>Forgets items for an instance that no longer needs them (purged, or a new generation).</summary>
    public void Cancel(Func<PendingWorkItem, bool> matches)
    {
        lock (_lock)
        {
            foreach (var token in _inFlight.Where(f => matches(f.Value.Item)).Select(f => f.Key).ToList())
            {
                _inFlight.Remove(token);
            }

            var keep = _waiting.Where(i => !matches(i)).ToList();
            _waiting.Clear();
            keep.ForEach(_waiting.Enqueue);
        }
    }

    /// <summary>Round-robin over the workers, passing over those that left a turn unanswered while any other is
    /// connected.</summary>
    private void SendLocked(PendingWorkItem item)
    {
        while (_workers.Count > 0)
        {
            var worker = _workers[_next++ % _workers.Count];
            for (var tries = 1; worker.Unresponsive && tries < _workers.Count; tries++)
            {
                worker = _workers[_next++ % _workers.Count];
            }

            var token = Guid.NewGuid().ToString();
            var workItem = item.Build();
            workItem.CompletionToken = token;
            if (worker.Items.Writer.TryWrite(workItem))
            {
                _inFlight[token] = new InFlight(worker, item, DateTimeOffset.UtcNow);
                return;
            }

            _workers.Remove(worker);
        }

        _waiting.Enqueue(item);
    }
}

internal sealed record InFlight(WorkerStream Worker, PendingWorkItem Item, DateTimeOffset SentAt);

/// <summary>One worker's <c>GetWorkItems</c> stream, opened through <see cref="Sidecar"/>: the items queued for it.</summary>
internal sealed class WorkerStream(object sidecar)
{
    public object Sidecar { get; } = sidecar;

    /// <summary>It left a turn unanswered past the timeout.</summary>
    public bool Unresponsive { get; set; }

    public Channel<WorkItem> Items { get; } = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true });
}

/// <summary>A workflow turn or an activity to hand to a worker; <see cref="Build"/> makes the item each time it is sent.</summary>
internal sealed record PendingWorkItem(string InstanceId, int? TaskId, string ExecutionId, Func<WorkItem> Build)
{
    public bool IsActivity => TaskId is not null;
}
