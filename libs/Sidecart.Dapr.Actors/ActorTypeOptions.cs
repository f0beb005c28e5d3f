using System.Reflection;

namespace Sidecart.Dapr.Actors;

/// <summary>One hosted actor type. Settings left null inherit the app-wide <see cref="ActorsOptions"/>; any that are
/// set become this type's <c>entitiesConfig</c> entry.</summary>
public sealed class ActorTypeOptions
{
    internal ActorTypeOptions(Type implementationType)
    {
        ImplementationType = implementationType;
        TypeName = implementationType.GetCustomAttribute<ActorAttribute>()?.TypeName ?? implementationType.Name;
    }

    public Type ImplementationType { get; }

    /// <summary>The actor type callers address (<c>/v1.0/actors/{type}/...</c>).</summary>
    public string TypeName { get; set; }

    public TimeSpan? ActorIdleTimeout { get; set; }

    public TimeSpan? DrainOngoingCallTimeout { get; set; }

    public bool? DrainRebalancedActors { get; set; }

    /// <summary>Null inherits the app-wide setting.</summary>
    public bool? ReentrancyEnabled { get; set; }

    internal bool HasOwnSettings => ActorIdleTimeout is not null || DrainOngoingCallTimeout is not null || DrainRebalancedActors is not null || ReentrancyEnabled is not null;
}
