using System.Text.Json;
using System.Text.Json.Nodes;
using Dapr.Actors.Runtime;

namespace Sidecart.Inventory.Tests.Actors;

/// <summary>
/// An <see cref="IActorStateManager"/> over an in-memory store, as the runtime's behaves for one activation: reads
/// through a cache, buffers writes, and writes them in one transaction on <see cref="SaveStateAsync"/> (which the runtime
/// calls when a turn ends) or drops them on <see cref="ClearCacheAsync"/> (a failed turn). Values are stored as the JSON
/// the runtime would send the sidecar, serialized with the options the app gives the runtime.
/// </summary>
public sealed class InMemoryActorStateManager(ActorStateStore store, JsonSerializerOptions json) : IActorStateManager
{
    private readonly Dictionary<string, object?> _cache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (Type Type, object? Value)?> _pending = new(StringComparer.Ordinal);

    public Task<ConditionalValue<T>> TryGetStateAsync<T>(string stateName, CancellationToken cancellationToken = default)
    {
        if (_pending.TryGetValue(stateName, out var change))
        {
            return Task.FromResult(change is { } set ? new ConditionalValue<T>(true, (T)set.Value!) : new ConditionalValue<T>(false, default!));
        }

        if (!_cache.TryGetValue(stateName, out var cached) && store.Saved.TryGetValue(stateName, out var saved))
        {
            cached = _cache[stateName] = saved.Deserialize<T>(json);
        }

        return Task.FromResult(_cache.ContainsKey(stateName) ? new ConditionalValue<T>(true, (T)cached!) : new ConditionalValue<T>(false, default!));
    }

    public async Task<T> GetStateAsync<T>(string stateName, CancellationToken cancellationToken = default) =>
        await TryGetStateAsync<T>(stateName, cancellationToken) is { HasValue: true } value ? value.Value : throw new KeyNotFoundException(stateName);

    public Task<bool> ContainsStateAsync(string stateName, CancellationToken cancellationToken = default) =>
        Task.FromResult(_pending.TryGetValue(stateName, out var change) ? change is not null : _cache.ContainsKey(stateName) || store.Saved.ContainsKey(stateName));

    public Task SetStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default)
    {
        _pending[stateName] = (typeof(T), value);
        return Task.CompletedTask;
    }

    public Task AddStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default) => SetStateAsync(stateName, value, cancellationToken);

    public async Task<bool> TryAddStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default)
    {
        if (await ContainsStateAsync(stateName, cancellationToken))
        {
            return false;
        }

        await SetStateAsync(stateName, value, cancellationToken);
        return true;
    }

    public async Task<T> GetOrAddStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default)
    {
        var current = await TryGetStateAsync<T>(stateName, cancellationToken);
        if (current.HasValue)
        {
            return current.Value;
        }

        await SetStateAsync(stateName, value, cancellationToken);
        return value;
    }

    public async Task<T> AddOrUpdateStateAsync<T>(string stateName, T addValue, Func<string, T, T> updateValueFactory, CancellationToken cancellationToken = default)
    {
        var current = await TryGetStateAsync<T>(stateName, cancellationToken);
        var value = current.HasValue ? updateValueFactory(stateName, current.Value) : addValue;
        await SetStateAsync(stateName, value, cancellationToken);
        return value;
    }

    public async Task<bool> TryRemoveStateAsync(string stateName, CancellationToken cancellationToken = default)
    {
        if (!await ContainsStateAsync(stateName, cancellationToken))
        {
            return false;
        }

        _pending[stateName] = null;
        return true;
    }

    public async Task RemoveStateAsync(string stateName, CancellationToken cancellationToken = default)
    {
        if (!await TryRemoveStateAsync(stateName, cancellationToken))
        {
            throw new KeyNotFoundException(stateName);
        }
    }

    public Task SaveStateAsync(CancellationToken cancellationToken = default)
    {
        if (_pending.Count == 0)
        {
            return Task.CompletedTask;
        }

        var transaction = _pending.ToDictionary(
            c => c.Key,
            c => c.Value is { } set ? JsonSerializer.SerializeToNode(set.Value, set.Type, json) : null,
            StringComparer.Ordinal);
        store.Commit(transaction);
        foreach (var (key, change) in _pending)
        {
            if (change is { } set)
            {
                _cache[key] = set.Value;
            }
            else
            {
                _cache.Remove(key);
            }
        }

        _pending.Clear();
        return Task.CompletedTask;
    }

    public Task ClearCacheAsync(CancellationToken cancellationToken = default)
    {
        _cache.Clear();
        _pending.Clear();
        return Task.CompletedTask;
    }

    public Task UnloadStateAsync(string stateName, UnloadStateOptions? options = null, CancellationToken cancellationToken = default)
    {
        _cache.Remove(stateName);
        _pending.Remove(stateName);
        return Task.CompletedTask;
    }

    // Time-to-live state is never used by the Sku actor: a test that reaches it should fail.
    public Task AddStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) => throw TtlNotSupported();

    public Task SetStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) => throw TtlNotSupported();

    public Task<bool> TryAddStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) => throw TtlNotSupported();

    public Task<T> GetOrAddStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) => throw TtlNotSupported();

    public Task<T> AddOrUpdateStateAsync<T>(string stateName, T addValue, Func<string, T, T> updateValueFactory, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        throw TtlNotSupported();

    private static NotSupportedException TtlNotSupported() => new("state with a time to live is not simulated");
}

/// <summary>One actor's saved state: what survives deactivation, and each transaction a turn wrote.</summary>
public sealed class ActorStateStore
{
    private readonly Dictionary<string, JsonNode> _saved = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, JsonNode> Saved => _saved;

    /// <summary>Every saved transaction, by key; a null value deletes the key.</summary>
    public List<IReadOnlyDictionary<string, JsonNode?>> Transactions { get; } = [];

    public void Seed(string key, string json) => _saved[key] = JsonNode.Parse(json)!;

    public void Commit(IReadOnlyDictionary<string, JsonNode?> transaction)
    {
        Transactions.Add(transaction);
        foreach (var (key, value) in transaction)
        {
            if (value is null)
            {
                _saved.Remove(key);
            }
            else
            {
                _saved[key] = value.DeepClone();
            }
        }
    }
}
