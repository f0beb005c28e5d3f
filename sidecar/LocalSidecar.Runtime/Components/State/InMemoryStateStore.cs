namespace LocalSidecar.Components.State;

/// <summary><c>state.in-memory</c>: state that lives only in this component instance (so in one sidecar's memory)
/// and is gone when the sidecar stops. ETags are random UUIDs; supports TTL and atomic transactions.</summary>
[ComponentType("state.in-memory")]
public sealed class InMemoryStateStore : ITransactionalStateStore, IKeyListingStateStore
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private DateTimeOffset _nextSweep;

    public InMemoryStateStore() : this(TimeProvider.System) { }

    internal InMemoryStateStore(TimeProvider time)
    {
        _time = time;
        _nextSweep = time.GetUtcNow() + SweepInterval;
    }

    public StateStoreSettings Settings { get; private set; } = StateStoreSettings.Default;

    public IReadOnlyList<string> Capabilities => Settings.Capabilities("ETAG", "TRANSACTIONAL", "TTL");

    public Task InitAsync(ComponentContext context, CancellationToken cancellationToken)
    {
        Settings = StateStoreSettings.Read(context);
        return Task.CompletedTask;
    }

    public Task<StateItem?> GetAsync(string key, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var entry = Live(key, _time.GetUtcNow());
            return Task.FromResult(entry is null ? null : StateItem.Create(entry.Value, entry.ETag, entry.ExpiresAt));
        }
    }

    public Task SetAsync(StateUpsert upsert, CancellationToken cancellationToken) => Apply([upsert]);

    public Task DeleteAsync(StateDelete delete, CancellationToken cancellationToken) => Apply([delete]);

    public Task TransactAsync(IReadOnlyList<StateWrite> operations, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        Apply(operations);

    public Task<IReadOnlyList<string>> KeysWithPrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            IReadOnlyList<string> keys = _entries
                .Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal) && !e.Value.HasExpired(now))
                .Select(e => e.Key)
                .Order(StringComparer.Ordinal)
                .ToList();
            return Task.FromResult(keys);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Checks and stages every write before changing anything, so a failing write leaves the store untouched.</summary>
    private Task Apply(IReadOnlyList<StateWrite> writes)
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            var staged = new Dictionary<string, Entry?>(StringComparer.Ordinal);
            foreach (var write in writes)
            {
                var current = staged.TryGetValue(write.Key, out var pending) ? pending : Live(write.Key, now);
                write.EnsureApplicableTo(current?.ETag);
                staged[write.Key] = write is StateUpsert upsert
                    ? new Entry(upsert.Value, Guid.NewGuid().ToString(), StateTtl.ExpiresAt(upsert.Metadata, now))
                    : null;
            }

            foreach (var (key, entry) in staged)
            {
                if (entry is null)
                {
                    _entries.Remove(key);
                }
                else
                {
                    _entries[key] = entry;
                }
            }

            SweepIfDue(now);
        }

        return Task.CompletedTask;
    }

    private Entry? Live(string key, DateTimeOffset now)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return null;
        }

        if (entry.HasExpired(now))
        {
            _entries.Remove(key);
            return null;
        }

        return entry;
    }

    /// <summary>Expired keys that are never read again would otherwise stay in memory forever.</summary>
    private void SweepIfDue(DateTimeOffset now)
    {
        if (now < _nextSweep)
        {
            return;
        }

        _nextSweep = now + SweepInterval;
        foreach (var key in _entries.Where(e => e.Value.HasExpired(now)).Select(e => e.Key).ToList())
        {
            _entries.Remove(key);
        }
    }

    private sealed record Entry(byte[] Value, string ETag, DateTimeOffset? ExpiresAt)
    {
        public bool HasExpired(DateTimeOffset now) => ExpiresAt <= now;
    }
}
