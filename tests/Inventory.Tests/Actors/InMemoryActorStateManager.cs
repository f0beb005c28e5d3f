using System.Text.Json;
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
    private readonly Dictionary<string, (Type Type, object? Value)> _pending = new(StringComparer.Ordinal);

    public Task<ConditionalValue<T>> TryGetStateAsync<T>(string stateName, CancellationToken cancellationToken = default)
    {
        if (_pending.TryGetValue(stateName, out var change))
        {
            return Task.FromResult(new ConditionalValue<T>(true, (T)change.Value!));
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
        Task.FromResult(_pending.ContainsKey(stateName) || _cache.ContainsKey(stateName) || store.Saved.ContainsKey(stateName));

    public Task SetStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default)
    {
        _pending[stateName] = (typeof(T), value);
        return Task.CompletedTask;
    }

    public Task SaveStateAsync(CancellationToken cancellationToken = default)
    {
        if (_pending.Count == 0)
        {
            return Task.CompletedTask;
        }

        var transaction = _pending.ToDictionary(
            c => c.Key,
            c => JsonSerializer.SerializeToNode(c.Value.Value, c.Value.Type, json)!,
            StringComparer.Ordinal);
        store.Commit(transaction);
        foreach (var (key, change) in _pending)
        {
            _cache[key] = change.Value;
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

    // What the Sku actor never uses: a test that reaches it should fail rather than run on an untested imitation.
    public Task AddStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default) => throw Unsupported();

    public Task<bool> TryAddStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default) => throw Unsupported();

    public Task<T> GetOrAddStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default) => throw Unsupported();

    public Task<T> AddOrUpdateStateAsync<T>(string stateName, T addValue, Func<string, T, T> updateValueFactory, CancellationToken cancellationToken = default) =>
        throw Unsupported();

    public Task RemoveStateAsync(string stateName, CancellationToken cancellationToken = default) => throw Unsupported();

    public Task<bool> TryRemoveStateAsync(string stateName, CancellationToken cancellationToken = default) => throw Unsupported();

    public Task UnloadStateAsync(string stateName, UnloadStateOptions? options = null, CancellationToken cancellationToken = default) => throw Unsupported();

    public Task AddStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) => throw Unsupported();

    public Task SetStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) => throw Unsupported();

    public Task<bool> TryAddStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) => throw Unsupported();

    public Task<T> GetOrAddStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) => throw Unsupported();

    public Task<T> AddOrUpdateStateAsync<T>(string stateName, T addValue, Func<string, T, T> updateValueFactory, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        throw Unsupported();

    private static NotSupportedException Unsupported() => new("not simulated: the Sku actor does not use it");
}
