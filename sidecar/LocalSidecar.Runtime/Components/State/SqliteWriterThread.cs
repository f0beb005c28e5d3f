using System.Collections.Concurrent;

namespace LocalSidecar.Components.State;

/// <summary>Runs a store's writes one after another on a thread of its own, started with the first. SQLite's calls
/// block, and a caller's thread blocked in a commit also held back what the caller had just handed on: a workflow turn
/// queued for its worker's stream went out only after the commit of the step that produced it (both commits of each
/// activity on the workflow's path; the workflow bench's p50 ratio 4.3–5.0× with the caller's thread, 4.0–4.1× here).
/// The caller's thread now returns at once, and the commit runs beside whatever it does next.</summary>
internal sealed class SqliteWriterThread : IDisposable
{
    private readonly BlockingCollection<(Func<Task> Write, TaskCompletionSource Done)> _queue = [];
    private readonly Lock _starting = new();
    private readonly string _name;
    private Thread? _thread;
    private int _disposed;

    public SqliteWriterThread(string name) => _name = name;

    /// <summary>Queues <paramref name="write"/>; the task ends as it does, with its exception if it fails.</summary>
    public Task RunAsync(Func<Task> write)
    {
        EnsureStarted();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add((write, done), CancellationToken.None);
        return done.Task;
    }

    /// <summary>Lets the writes already queued finish, then ends the thread.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _queue.CompleteAdding();
        _thread?.Join();
        _queue.Dispose();
    }

    private void EnsureStarted()
    {
        if (_thread is not null)
        {
            return;
        }

        lock (_starting)
        {
            _thread ??= StartThread();
        }
    }

    private Thread StartThread()
    {
        var thread = new Thread(Loop) { IsBackground = true, Name = _name };
        thread.Start();
        return thread;
    }

    private void Loop()
    {
        foreach (var (write, done) in _queue.GetConsumingEnumerable())
        {
            try
            {
                // The write's awaits complete synchronously (SQLite has no asynchronous I/O) except for the wait at the
                // file's write gate, which this thread may block on: it has nothing else to do meanwhile.
                write().GetAwaiter().GetResult();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }
    }
}
