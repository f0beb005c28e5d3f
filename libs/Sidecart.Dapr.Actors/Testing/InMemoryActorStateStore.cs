using System.Text.Json;
using Sidecart.Dapr.Actors.State;

namespace Sidecart.Dapr.Actors.Testing;

/// <summary>The test host's stand-in for the sidecar's actor state: saved values and every transaction applied.</summary>
internal sealed class InMemoryActorStateStore : IActorStateStore
{
    public Dictionary<string, JsonElement> Values { get; } = new(StringComparer.Ordinal);

    public List<IReadOnlyList<ActorStateOperation>> Transactions { get; } = [];

    public Task<JsonElement?> LoadAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult(Values.TryGetValue(key, out var value) ? value : (JsonElement?)null);

    public Task SaveAsync(IReadOnlyList<ActorStateOperation> operations, CancellationToken cancellationToken)
    {
        foreach (var operation in operations)
        {
            if (operation.Operation == StateOperationType.Delete)
            {
                Values.Remove(operation.Key);
            }
            else
            {
                Values[operation.Key] = operation.Value ?? throw new InvalidOperationException($"upsert of '{operation.Key}' without a value");
            }
        }

        Transactions.Add(operations);
        return Task.CompletedTask;
    }
}
