namespace LocalSidecar.Actors;

/// <summary>The turn-based lock of one actor (§5.5): one call at a time, waiting callers admitted in arrival order.
/// A call carrying the reentrancy id of the chain that holds the lock is admitted at once (when reentrancy is on),
/// up to the maximum stack depth.</summary>
public sealed class ActorTurnLock
{
    private readonly Lock _gate = new();
    private readonly LinkedList<Waiter> _waiting = new();
    private string? _holderChain;
    private int _depth;

    /// <summary>True while a call holds the lock or waits for it.</summary>
    public bool IsBusy
    {
        get
        {
            lock (_gate)
            {
                return _depth > 0 || _waiting.Count > 0;
            }
        }
    }

    /// <summary>Waits for the actor's turn. <paramref name="reentrancyChain"/> is null when reentrancy is off.
    /// Throws <see cref="ActorStackDepthException"/> when a reentrant call would exceed <paramref name="maxStackDepth"/>.</summary>
    public async Task<IDisposable> AcquireAsync(string? reentrancyChain, int maxStackDepth, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_gate)
        {
            if (_depth == 0)
            {
                _depth = 1;
                _holderChain = reentrancyChain;
                return new Turn(this);
            }

            if (reentrancyChain is not null && reentrancyChain == _holderChain)
            {
                if (_depth >= maxStackDepth)
                {
                    throw new ActorStackDepthException();
                }

                _depth++;
                return new Turn(this);
            }

            waiter = new Waiter(reentrancyChain);
            waiter.Node = _waiting.AddLast(waiter);
        }

        await using (cancellationToken.Register(() => Abandon(waiter)))
        {
            await waiter.Admitted.Task;
        }

        return new Turn(this);
    }

    private void Abandon(Waiter waiter)
    {
        lock (_gate)
        {
            if (waiter.Node?.List is null)
            {
                return;
            }

            _waiting.Remove(waiter.Node);
        }

        waiter.Admitted.TrySetCanceled();
    }

    private void Release()
    {
        Waiter? next = null;
        lock (_gate)
        {
            if (--_depth > 0)
            {
                return;
            }

            _holderChain = null;
            if (_waiting.First is { } first)
            {
                _waiting.RemoveFirst();
                next = first.Value;
                _depth = 1;
                _holderChain = next.Chain;
            }
        }

        next?.Admitted.TrySetResult();
    }

    private sealed class Waiter(string? chain)
    {
        public string? Chain { get; } = chain;

        public LinkedListNode<Waiter>? Node { get; set; }

        public TaskCompletionSource Admitted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Turn(ActorTurnLock owner) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release();
            }
        }
    }
}

/// <summary>A reentrant call chain went deeper than the type's <c>maxStackDepth</c>.</summary>
public sealed class ActorStackDepthException : Exception
{
    public ActorStackDepthException() : base("maximum stack depth exceeded") { }

    public ActorStackDepthException(string message) : base(message) { }

    public ActorStackDepthException(string message, Exception inner) : base(message, inner) { }
}
