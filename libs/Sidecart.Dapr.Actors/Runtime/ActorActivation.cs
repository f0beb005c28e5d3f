using Microsoft.Extensions.DependencyInjection;

namespace Sidecart.Dapr.Actors.Runtime;

/// <summary>
/// One live actor instance and its turns. A turn activates the actor if needed, runs, then saves every state change it
/// made in one transaction, or discards them all if it threw. The sidecar already serialises turns per actor id; the
/// local lock (skipped under reentrancy, where the sidecar deliberately admits a chain's nested calls) also orders a
/// deactivation after the turn in flight and makes the test host behave the same.
/// </summary>
// The semaphore never allocates a wait handle (only WaitAsync is used), so there is nothing to dispose.
#pragma warning disable CA1001
internal sealed class ActorActivation(Actor actor, ActorContext context, bool serializeTurns, IServiceScope? scope)
{
    private readonly SemaphoreSlim _turn = new(1, 1);
#pragma warning restore CA1001
    private bool _activated;
    private bool _deactivated;

    public Actor Actor { get; } = actor;

    public ActorContext Context { get; } = context;

    /// <summary>Runs one turn. Throws <see cref="StaleActivationException"/> when the activation was deactivated while
    /// the call waited, so the caller retries on a fresh one.</summary>
    public async Task<TurnResult<T>> RunTurnAsync<T>(Func<Actor, CancellationToken, Task<T>> body, CancellationToken cancellationToken)
    {
        if (serializeTurns)
        {
            await _turn.WaitAsync(cancellationToken);
        }

        try
        {
            if (_deactivated)
            {
                throw new StaleActivationException();
            }

            Context.StopScheduledCallback = false;
            try
            {
                if (!_activated)
                {
                    await Actor.ActivateAsync();
                    _activated = true;
                }

                var result = await body(Actor, cancellationToken);
                // The call has run: its state is saved even if the caller has since given up waiting.
                await Context.StateManager.SaveStateAsync(CancellationToken.None);
                return new TurnResult<T>(result, Context.StopScheduledCallback);
            }
            catch
            {
                Context.StateManager.DiscardChanges();
                throw;
            }
        }
        finally
        {
            if (serializeTurns)
            {
                _turn.Release();
            }
        }
    }

    /// <summary>After the turn in flight: runs <see cref="Actor.OnDeactivateAsync"/> (only if the actor was activated),
    /// and ends the activation; <paramref name="forget"/> runs first so no new call finds it.</summary>
    public async Task DeactivateAsync(Action forget)
    {
        await _turn.WaitAsync();
        try
        {
            if (_deactivated)
            {
                return;
            }

            forget();
            _deactivated = true;
            try
            {
                if (_activated)
                {
                    await Actor.DeactivateAsync();
                }
            }
            finally
            {
                Context.StateManager.DiscardChanges();
                if (scope is IAsyncDisposable asyncScope)
                {
                    await asyncScope.DisposeAsync();
                }
                else
                {
                    scope?.Dispose();
                }
            }
        }
        finally
        {
            _turn.Release();
        }
    }
}

internal readonly record struct TurnResult<T>(T Value, bool StopScheduledCallback);

internal sealed class StaleActivationException : Exception
{
    public StaleActivationException()
        : base("The actor was deactivated while the call waited for its turn.")
    {
    }

    public StaleActivationException(string message)
        : base(message)
    {
    }

    public StaleActivationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
