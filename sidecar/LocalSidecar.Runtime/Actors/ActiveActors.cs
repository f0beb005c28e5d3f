using System.Collections.Concurrent;

namespace LocalSidecar.Actors;

/// <summary>One actor activated on this sidecar: its turn lock, when it was last used and its timers.</summary>
public sealed class ActiveActor(ActorKey key, TimeProvider time)
{
    private long _lastUsedTicks = time.GetUtcNow().UtcTicks;

    public ActorKey Key { get; } = key;

    public ActorTurnLock TurnLock { get; } = new();

    /// <summary>Set (while holding the turn) once the actor has been deactivated: a call that was waiting for this
    /// instance must activate a new one.</summary>
    public bool IsDeactivated { get; set; }

    /// <summary>The actor's timers by name; dropped with the actor.</summary>
    public ConcurrentDictionary<string, ActorTimer> Timers { get; } = new(StringComparer.Ordinal);

    private int _deactivating;

    public DateTimeOffset LastUsed => new(Interlocked.Read(ref _lastUsedTicks), TimeSpan.Zero);

    public void Touch() => Interlocked.Exchange(ref _lastUsedTicks, time.GetUtcNow().UtcTicks);

    /// <summary>True for the first caller only, so idle scans and rebalancing never deactivate an actor twice.</summary>
    public bool TryBeginDeactivation() => Interlocked.Exchange(ref _deactivating, 1) == 0;
}

/// <summary>The activation table: the actors active on this sidecar.</summary>
public sealed class ActiveActors(TimeProvider time)
{
    private readonly ConcurrentDictionary<ActorKey, ActiveActor> _actors = new();

    public int Count => _actors.Count;

    public ActiveActor GetOrActivate(ActorKey key) => _actors.GetOrAdd(key, k => new ActiveActor(k, time));

    public ActiveActor? Find(ActorKey key) => _actors.GetValueOrDefault(key);

    public IReadOnlyList<ActiveActor> Snapshot() => _actors.Values.ToList();

    /// <summary>Removes exactly this instance (not a newer activation of the same id).</summary>
    public void Remove(ActiveActor actor) => _actors.TryRemove(KeyValuePair.Create(actor.Key, actor));

    /// <summary>Active actors per type, for <c>/v1.0/metadata</c>.</summary>
    public IReadOnlyDictionary<string, int> CountByType() =>
        _actors.Keys.GroupBy(k => k.Type, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
}
