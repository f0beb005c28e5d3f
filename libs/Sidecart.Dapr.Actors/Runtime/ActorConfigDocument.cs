using Sidecart.Dapr.Actors.Serialization;

namespace Sidecart.Dapr.Actors.Runtime;

/// <summary>Builds the <c>GET /dapr/config</c> answer (https://docs.dapr.io/reference/api/actors_api/) from the registrations.</summary>
internal static class ActorConfigDocument
{
    public static ActorConfigWire From(ActorsOptions options)
    {
        var entitiesConfig = options.ActorTypes
            .Where(t => t.HasOwnSettings)
            .Select(t => new EntityConfigWire(
                [t.TypeName],
                Duration(t.ActorIdleTimeout),
                Duration(t.DrainOngoingCallTimeout),
                t.DrainRebalancedActors,
                t.ReentrancyEnabled is { } enabled ? new ReentrancyWire(enabled, options.Reentrancy.MaxStackDepth) : null))
            .ToList();
        return new ActorConfigWire(
            options.ActorTypes.Select(t => t.TypeName).ToList(),
            Duration(options.ActorIdleTimeout),
            Duration(options.DrainOngoingCallTimeout),
            options.DrainRebalancedActors,
            new ReentrancyWire(options.Reentrancy.Enabled, options.Reentrancy.MaxStackDepth),
            entitiesConfig.Count == 0 ? null : entitiesConfig);
    }

    private static string? Duration(TimeSpan? value) => value is { } v ? DaprDuration.Format(v) : null;
}
