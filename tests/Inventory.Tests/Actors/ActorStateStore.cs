using System.Text.Json.Nodes;

namespace Sidecart.Inventory.Tests.Actors;

/// <summary>One actor's saved state: what survives deactivation, and each transaction a turn wrote.</summary>
public sealed class ActorStateStore
{
    private readonly Dictionary<string, JsonNode> _saved = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, JsonNode> Saved => _saved;

    public List<IReadOnlyDictionary<string, JsonNode>> Transactions { get; } = [];

    /// <summary>State as an earlier version of the app left it.</summary>
    public void Seed(string key, string json) => _saved[key] = JsonNode.Parse(json)!;

    public void Commit(IReadOnlyDictionary<string, JsonNode> transaction)
    {
        Transactions.Add(transaction);
        foreach (var (key, value) in transaction)
        {
            _saved[key] = value.DeepClone();
        }
    }
}
