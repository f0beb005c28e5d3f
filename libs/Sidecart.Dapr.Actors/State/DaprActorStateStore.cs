using System.Text.Json;
using Sidecart.Dapr.Actors.Serialization;

namespace Sidecart.Dapr.Actors.State;

/// <summary>One actor's state through the sidecar: <c>GET /v1.0/actors/{type}/{id}/state/{key}</c> and
/// <c>POST /v1.0/actors/{type}/{id}/state</c> (https://docs.dapr.io/reference/api/actors_api/).</summary>
internal sealed class DaprActorStateStore(DaprClient client, string actorType, string actorId) : IActorStateStore
{
    public async Task<JsonElement?> LoadAsync(string key, CancellationToken cancellationToken)
    {
        var value = await client.GetActorStateAsync(actorType, actorId, key, ActorsJsonContext.Default.JsonElement, cancellationToken);
        return value.ValueKind == JsonValueKind.Undefined ? null : value;
    }

    public Task SaveAsync(IReadOnlyList<ActorStateOperation> operations, CancellationToken cancellationToken) =>
        client.ExecuteActorStateTransactionAsync(actorType, actorId, operations, cancellationToken);
}
