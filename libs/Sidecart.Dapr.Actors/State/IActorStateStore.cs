using System.Text.Json;

namespace Sidecart.Dapr.Actors.State;

/// <summary>Where an activation's state lives: the sidecar's actor state API, or memory in the test host.</summary>
internal interface IActorStateStore
{
    /// <summary>The stored JSON value, or null when the key has none.</summary>
    Task<JsonElement?> LoadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Applies all operations atomically.</summary>
    Task SaveAsync(IReadOnlyList<ActorStateOperation> operations, CancellationToken cancellationToken);
}
