using Grpc.Core;

namespace Sidecart.Events.Tests.Support;

/// <summary>
/// An in-memory state store that decides a save the way the Dapr component of its <see cref="StoreFlavour"/> does, and
/// fails it with the gRPC status daprd then answers, since that is where the stores differ:
/// <list type="bullet">
/// <item>SQLite, PostgreSQL: a stale or unknown ETag, or first-write on an existing key, is an ETag mismatch (Aborted).</item>
/// <item>Redis (state.redis): an ETag on a missing key is accepted; a wrong one is Aborted; a key once written with
/// first-write refuses every write without its ETag with a plain error (Internal), first-write or not; first-write on a
/// key written without it overwrites it.</item>
/// <item>MongoDB (state.mongodb): writes are upserts filtered by key and ETag, so an ETag on a missing key inserts it, and
/// a wrong ETag or first-write on an existing key fails on the duplicate key (Internal).</item>
/// </list>
/// (redis-facts.md §1.4; components-contrib state/mongodb setInternal; dapr-api-facts.md §2.2.)
/// </summary>
public sealed class FakeStateStore(StoreFlavour flavour)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Action> _competitors = new(StringComparer.Ordinal);
    private readonly List<RecordedSave> _saves = [];
    private long _version;

    public StoreFlavour Flavour => flavour;

    /// <summary>While true, every call fails with Unavailable, as when the store is down.</summary>
    public bool Unavailable { get; set; }

    /// <summary>Every save the app made, in order (a competitor's writes are not recorded).</summary>
    public IReadOnlyList<RecordedSave> Saves
    {
        get
        {
            lock (_gate)
            {
                return [.. _saves];
            }
        }
    }

    /// <summary>Another writer (another replica, an older version, the Python service) writes <paramref name="key"/>
    /// right before the app's next write of it lands, after the app has read it.</summary>
    public void BeforeNextWriteOf(string key, Action competitor)
    {
        lock (_gate)
        {
            _competitors[key] = competitor;
        }
    }

    public string? Json(string key)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(key, out var entry) ? System.Text.Encoding.UTF8.GetString(entry.Value) : null;
        }
    }

    public (byte[]? Value, string ETag) Get(string key)
    {
        ThrowIfUnavailable();
        lock (_gate)
        {
            return _entries.TryGetValue(key, out var entry) ? (entry.Value, entry.ETag) : (null, string.Empty);
        }
    }

    /// <summary>A write by someone other than the app; null when it succeeded, else the status it failed with.</summary>
    public StatusCode? WriteAsAnother(string key, string json, string? etag = null, bool firstWrite = false) =>
        Apply(key, System.Text.Encoding.UTF8.GetBytes(json), etag, firstWrite);

    public void Save(string key, byte[] value, string? etag, bool firstWrite, IReadOnlyDictionary<string, string> metadata)
    {
        ThrowIfUnavailable();
        Action? competitor;
        lock (_gate)
        {
            _saves.Add(new RecordedSave(key, System.Text.Encoding.UTF8.GetString(value), string.IsNullOrEmpty(etag) ? null : etag, firstWrite, metadata));
            _competitors.Remove(key, out competitor);
        }

        competitor?.Invoke();
        if (Apply(key, value, etag, firstWrite) is { } failure)
        {
            throw new RpcException(new Status(failure, failure == StatusCode.Aborted
                ? $"possible etag mismatch. error from state store: {key}"
                : $"failed saving state in state store statestore: failed to set key {key}"));
        }
    }

    private StatusCode? Apply(string key, byte[] value, string? etag, bool firstWrite)
    {
        etag = string.IsNullOrEmpty(etag) ? null : etag;
        lock (_gate)
        {
            var existing = _entries.GetValueOrDefault(key);
            if (Refusal(existing, etag, firstWrite) is { } refusal)
            {
                return refusal;
            }

            var marked = flavour == StoreFlavour.Redis && (firstWrite || existing is { FirstWriteMarker: true });
            _entries[key] = new Entry(value, (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture), marked);
            return null;
        }
    }

    private StatusCode? Refusal(Entry? existing, string? etag, bool firstWrite) => flavour switch
    {
        StoreFlavour.Redis when etag is not null => existing is not null && existing.ETag != etag ? StatusCode.Aborted : null,
        StoreFlavour.Redis => existing is { FirstWriteMarker: true } ? StatusCode.Internal : null,
        StoreFlavour.MongoDb when etag is not null => existing is not null && existing.ETag != etag ? StatusCode.Internal : null,
        StoreFlavour.MongoDb => firstWrite && existing is not null ? StatusCode.Internal : null,
        _ when etag is not null => existing is null || existing.ETag != etag ? StatusCode.Aborted : null,
        _ => firstWrite && existing is not null ? StatusCode.Aborted : null,
    };

    private void ThrowIfUnavailable()
    {
        if (Unavailable)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "the state store is down"));
        }
    }

    private sealed record Entry(byte[] Value, string ETag, bool FirstWriteMarker);
}

public sealed record RecordedSave(string Key, string Value, string? ETag, bool FirstWrite, IReadOnlyDictionary<string, string> Metadata);
