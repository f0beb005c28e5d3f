using System.Text.Json;
using Sidecart.Dapr.Actors.State;

namespace Sidecart.Dapr.Actors.Runtime;

/// <summary>What an <see cref="Actor"/> instance is attached to for one activation.</summary>
internal sealed class ActorContext(string actorType, string actorId, ActorStateManager stateManager, IActorScheduler scheduler, JsonSerializerOptions json)
{
    public string ActorType { get; } = actorType;

    public string ActorId { get; } = actorId;

    public ActorStateManager StateManager { get; } = stateManager;

    public IActorScheduler Scheduler { get; } = scheduler;

    public JsonSerializerOptions Json { get; } = json;

    /// <summary>Set during a reminder or timer turn when the actor asked for no further firings.</summary>
    public bool StopScheduledCallback { get; set; }
}
