using System.Collections.Concurrent;

namespace Conformance.Sdk.Actors;

/// <summary>What the test actors saw, in order: activations, deactivations, timer ticks, reminders, turns. Shared by
/// the app (a singleton the actors get from DI) and the tests, which poll it.</summary>
public sealed class ActorProbe
{
    private readonly ConcurrentQueue<ProbeEvent> _events = new();
    private long _sequence;

    public void Record(string actorId, string kind, string detail = "") =>
        _events.Enqueue(new ProbeEvent(actorId, kind, detail, Interlocked.Increment(ref _sequence)));

    public IReadOnlyList<ProbeEvent> For(string actorId, string kind) =>
        _events.Where(e => e.ActorId == actorId && e.Kind == kind).ToList();

    public int Count(string actorId, string kind) => For(actorId, kind).Count;
}

/// <summary>One observation; <see cref="Sequence"/> orders all observations, across actors, as they happened.</summary>
public sealed record ProbeEvent(string ActorId, string Kind, string Detail, long Sequence);
