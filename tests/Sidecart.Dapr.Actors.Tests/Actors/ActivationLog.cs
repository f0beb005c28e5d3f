using System.Collections.Concurrent;

namespace Sidecart.Dapr.Actors.Tests.Actors;

/// <summary>A DI singleton the actors write their activations and deactivations to.</summary>
public sealed class ActivationLog
{
    private readonly ConcurrentQueue<string> _events = new();

    public void Record(string actorType, string actorId, string what) => _events.Enqueue($"{actorType}/{actorId}:{what}");

    public int Count(string actorType, string actorId, string what) => _events.Count(e => e == $"{actorType}/{actorId}:{what}");
}
