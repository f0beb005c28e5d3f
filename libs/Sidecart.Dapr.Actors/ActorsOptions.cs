using System.Text.Json.Serialization.Metadata;

namespace Sidecart.Dapr.Actors;

/// <summary>What the app hosts and how the sidecar should treat its actors; sent to the sidecar as
/// <c>GET /dapr/config</c> (https://docs.dapr.io/reference/api/actors_api/). Unset values leave the sidecar's defaults (idle 60 min, drain 60 s).</summary>
public sealed class ActorsOptions
{
    private readonly List<ActorTypeOptions> _actorTypes = [];

    /// <summary>The app's source-generated JSON context for method arguments, results, reminder/timer data and state.
    /// Common primitives (string, numbers, bool, Guid, DateTimeOffset, JsonElement) need not be listed.</summary>
    public IJsonTypeInfoResolver? JsonTypeInfoResolver { get; set; }

    /// <summary>How long an actor may stay unused before the sidecar deactivates it.</summary>
    public TimeSpan? ActorIdleTimeout { get; set; }

    /// <summary>How long deactivation (on shutdown or rebalancing) waits for a call in flight.</summary>
    public TimeSpan? DrainOngoingCallTimeout { get; set; }

    public bool? DrainRebalancedActors { get; set; }

    public ActorReentrancyOptions Reentrancy { get; } = new();

    public IReadOnlyList<ActorTypeOptions> ActorTypes => _actorTypes;

    /// <summary>Hosts <typeparamref name="TActor"/> under its <see cref="ActorAttribute.TypeName"/>, else its class name.</summary>
    public ActorTypeOptions RegisterActor<TActor>(Action<ActorTypeOptions>? configure = null)
        where TActor : Actor
    {
        var options = new ActorTypeOptions(typeof(TActor));
        configure?.Invoke(options);
        if (_actorTypes.Any(t => t.TypeName == options.TypeName))
        {
            throw new InvalidOperationException($"Actor type '{options.TypeName}' is registered twice.");
        }

        _actorTypes.Add(options);
        return options;
    }
}

/// <summary>Reentrancy (https://docs.dapr.io/reference/api/actors_api/): a call chain may re-enter an actor it is already inside of.</summary>
public sealed class ActorReentrancyOptions
{
    public bool Enabled { get; set; }

    /// <summary>Deepest chain the sidecar admits; null leaves its default (32).</summary>
    public int? MaxStackDepth { get; set; }
}
