using System.Text.Json;
using Sidecart.Dapr.Actors.Serialization;

namespace Sidecart.Dapr.Actors.State;

/// <summary>The per-activation cache and change buffer behind <see cref="IActorStateManager"/>. Values are kept as
/// JSON, so what a turn reads back is what would be saved, and an object changed after <c>SetStateAsync</c> does not
/// change the stored value behind the actor's back.</summary>
internal sealed class ActorStateManager(IActorStateStore store, JsonSerializerOptions json) : IActorStateManager
{
    private readonly Dictionary<string, CachedValue> _cache = new(StringComparer.Ordinal);

    public bool HasPendingChanges => _cache.Values.Any(v => v.Change != PendingChange.None);

    public async Task<T> GetStateAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        var value = await TryGetStateAsync<T>(key, cancellationToken);
        return value.HasValue ? value.Value : throw new KeyNotFoundException($"Actor state '{key}' has no value.");
    }

    public async Task<ConditionalValue<T>> TryGetStateAsync<T>(string key, CancellationToken cancellationToken = default)
    {
        var cached = await LoadAsync(key, cancellationToken);
        return cached.Value is { } value
            ? new ConditionalValue<T>(true, value.Deserialize(ActorJson.TypeInfo<T>(json))!)
            : new ConditionalValue<T>(false, default!);
    }

    public Task SetStateAsync<T>(string key, T value, CancellationToken cancellationToken = default)
    {
        var element = JsonSerializer.SerializeToElement(value, ActorJson.TypeInfo<T>(json));
        _cache[key] = new CachedValue(element, PendingChange.Upsert);
        return Task.CompletedTask;
    }

    public async Task<bool> RemoveStateAsync(string key, CancellationToken cancellationToken = default)
    {
        var cached = await LoadAsync(key, cancellationToken);
        if (cached.Value is null)
        {
            return false;
        }

        _cache[key] = new CachedValue(null, PendingChange.Remove);
        return true;
    }

    public async Task<bool> ContainsStateAsync(string key, CancellationToken cancellationToken = default) =>
        (await LoadAsync(key, cancellationToken)).Value is not null;

    public async Task SaveStateAsync(CancellationToken cancellationToken = default)
    {
        var changed = _cache.Where(c => c.Value.Change != PendingChange.None).ToList();
        if (changed.Count == 0)
        {
            return;
        }

        var operations = changed
            .Select(c => c.Value.Change == PendingChange.Remove
                ? ActorStateOperation.Delete(c.Key)
                : new ActorStateOperation(StateOperationType.Upsert, c.Key, c.Value.Value))
            .ToList();
        await store.SaveAsync(operations, cancellationToken);
        foreach (var (key, value) in changed)
        {
            _cache[key] = value with { Change = PendingChange.None };
        }
    }

    /// <summary>Forgets the unsaved changes of a failed turn; the next read of those keys goes back to the store.</summary>
    public void DiscardChanges()
    {
        foreach (var key in _cache.Where(c => c.Value.Change != PendingChange.None).Select(c => c.Key).ToList())
        {
            _cache.Remove(key);
        }
    }

    private async ValueTask<CachedValue> LoadAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (_cache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        cached = new CachedValue(await store.LoadAsync(key, cancellationToken), PendingChange.None);
        _cache[key] = cached;
        return cached;
    }

    private enum PendingChange
    {
        None,
        Upsert,
        Remove,
    }

    /// <param name="Value">Null when the key has no value (never stored, or removed in this turn).</param>
    private sealed record CachedValue(JsonElement? Value, PendingChange Change);
}
