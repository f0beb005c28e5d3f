using System.Globalization;
using System.Text;
using LocalSidecar.Components.Redis;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace LocalSidecar.Components.State;

/// <summary><c>state.redis</c>: state in a Redis server, stored exactly as daprd's component stores it (redis-facts.md §1),
/// so a real daprd and the local sidecar pointed at the same server read each other's state. Each key is a hash with
/// <c>data</c> (the value's bytes), <c>version</c> (the ETag, 1 on the first write, incremented by every write) and, once
/// a first-write save has touched it, a <c>first-write</c> marker. Saves and deletes are one Lua script each, with
/// daprd's rules and quirks: a missing key accepts any ETag, a non-numeric ETag is invalid (400), an ETag is ignored
/// only under an explicit last-write, a key carrying the marker refuses every later save without an ETag, and that
/// refusal is a plain failure (500) rather than a mismatch. TTLs are Redis expiries (<c>EXPIRE</c>/<c>PERSIST</c> after
/// the write; a write without one keeps the key's expiry). Transactions are <c>MULTI</c>/<c>EXEC</c> with the same
/// scripts: Redis has no rollback, so when one operation fails the others still apply, and the first failure is the
/// transaction's error, as in daprd (whose transactions also fail an operation marked <c>contentType: application/json</c>
/// by sending it the RedisJSON script). A server with the RedisJSON module is refused at start: there daprd keeps values
/// saved as JSON as JSON documents, which this store does not.</summary>
[ComponentType("state.redis")]
public sealed class RedisStateStore : ITransactionalStateStore, IKeyListingStateStore
{
    // KEYS[1]: the key. ARGV[1]: the expected version, "0" for none. ARGV[2]: the value. ARGV[3]: "0" for a first-write
    // save (absent in transactions, as daprd sends it). A key of another type (an old plain string) is replaced.
    private const string SetScript = """
        local version = redis.pcall("HGET", KEYS[1], "version")
        if type(version) == "table" then
          redis.call("DEL", KEYS[1])
          version = false
        end
        local marked = redis.call("HGET", KEYS[1], "first-write")
        if version and version ~= "" and version ~= ARGV[1] and (marked or ARGV[1] ~= "0") then
          error("failed to set key " .. KEYS[1])
        end
        redis.call("HSET", KEYS[1], "data", ARGV[2])
        if ARGV[3] == "0" then
          redis.call("HSET", KEYS[1], "first-write", 0)
        end
        return redis.call("HINCRBY", KEYS[1], "version", 1)
        """;

    // KEYS[1]: the key. ARGV[1]: the ETag as given, "0" for none (then any version is deleted).
    private const string DeleteScript = """
        local version = redis.pcall("HGET", KEYS[1], "version")
        if version and type(version) ~= "table" and version ~= "" and version ~= ARGV[1] and ARGV[1] ~= "0" then
          error("failed to delete " .. KEYS[1])
        end
        return redis.call("DEL", KEYS[1])
        """;

    // What daprd's transaction sends for an operation marked contentType application/json: its RedisJSON variant of the
    // scripts, even on a server without RedisJSON (the only kind this store accepts), where its first JSON call fails
    // and with it that operation.
    private const string JsonOperationScript = """
        local version = redis.pcall("JSON.GET", KEYS[1], ".version")
        if type(version) == "table" then
          redis.call("JSON.DEL", KEYS[1])
        end
        return redis.call("JSON.GET", KEYS[1], ".version")
        """;

    private const string NoVersion = "0";
    private const string JsonContentType = "application/json";
    private const string DataField = "data";
    private const string VersionField = "version";
    private const int ScanPageSize = 1000;

    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>();

    private ConnectionMultiplexer? _connection;
    private RedisClientSettings _client = null!;
    private long? _defaultTtlSeconds;
    private ILogger _logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    private int _rollbackWarned;
    private long _replicas;

    public StateStoreSettings Settings { get; private set; } = StateStoreSettings.Default;

    public IReadOnlyList<string> Capabilities => Settings.Capabilities("ETAG", "TRANSACTIONAL", "TTL", "KEYS_LIKE");

    private IServer Server => (_connection ?? throw new InvalidOperationException("the Redis state store is not initialised")).GetServers()[0];

    private IDatabase Database => (_connection ?? throw new InvalidOperationException("the Redis state store is not initialised")).GetDatabase(_client.Database);

    public async Task InitAsync(ComponentContext context, CancellationToken cancellationToken)
    {
        Settings = StateStoreSettings.Read(context);
        _logger = context.Logger;
        _client = RedisClientSettings.Read(context);
        if (context.Optional("queryIndexes") is not null)
        {
            throw context.Invalid("queryIndexes",
                "the state query API (RediSearch and RedisJSON indexes) is not supported by the local sidecar; remove queryIndexes, or use real daprd with a Redis that has those modules");
        }

        _defaultTtlSeconds = context.Optional(StateTtl.Metadata) is not { } ttl ? null
            : long.TryParse(ttl, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds) ? seconds
            : throw context.Invalid(StateTtl.Metadata, $"'{ttl}' is not an integer number of seconds");

        _connection = await ConnectAsync(_client, context.AppId, cancellationToken);
        bool hasRedisJson;
        try
        {
            await Database.ExecuteAsync("PING").WaitAsync(cancellationToken);
            await EnsureAuthenticatedAsUserAsync(cancellationToken);
            _replicas = await ConnectedReplicasAsync(cancellationToken);
            hasRedisJson = await HasRedisJsonAsync(cancellationToken);
        }
        catch (Exception e) when (e is RedisException or RedisCommandException)
        {
            throw new InvalidOperationException($"redis store: error connecting to redis at {_client.Address}: {e.Message}", e);
        }

        if (hasRedisJson)
        {
            throw new InvalidOperationException(
                $"the Redis server at {_client.Address} has the RedisJSON module, with which daprd stores values saved with contentType application/json " +
                "as JSON documents; the local sidecar stores every value as daprd does without it, so the two would not read each other's state. " +
                "Use a Redis without RedisJSON (such as Debian's redis-server), or real daprd");
        }
    }

    /// <summary>How many replicas the server had at start (<c>INFO replication</c>), which a strong save waits for, as in daprd.</summary>
    private async Task<long> ConnectedReplicasAsync(CancellationToken cancellationToken)
    {
        var info = await Server.InfoAsync("replication").WaitAsync(cancellationToken);
        var replicas = info.SelectMany(section => section).FirstOrDefault(entry => entry.Key == "connected_slaves").Value;
        return long.TryParse(replicas, NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : 0;
    }

    /// <summary>daprd's probe: <c>JSON.GET</c> without arguments is an unknown command unless RedisJSON is loaded.</summary>
    private async Task<bool> HasRedisJsonAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Database.ExecuteAsync("JSON.GET").WaitAsync(cancellationToken);
            return true;
        }
        catch (RedisServerException e)
        {
            // A user not allowed to run it (NOPERM) cannot tell either way; take the plain server, the common case.
            return !e.Message.StartsWith("ERR unknown command", StringComparison.OrdinalIgnoreCase)
                && !e.Message.StartsWith("NOPERM", StringComparison.Ordinal);
        }
    }

    /// <summary>When the server lets anyone in as <c>default</c>, the client carries on unauthenticated after a refused
    /// <c>AUTH</c>, where daprd's client fails: a connection that is not the configured user is refused here.</summary>
    private async Task EnsureAuthenticatedAsUserAsync(CancellationToken cancellationToken)
    {
        if (_client.Username is not { } user)
        {
            return;
        }

        RedisResult whoami;
        try
        {
            whoami = await Database.ExecuteAsync("ACL", "WHOAMI").WaitAsync(cancellationToken);
        }
        catch (RedisServerException)
        {
            // A server without ACLs (before 6.0), or a user not allowed to ask: nothing to compare.
            return;
        }

        if (whoami.ToString() != user)
        {
            throw new InvalidOperationException($"redis store: error connecting to redis at {_client.Address}: the server refused the credentials (redisUsername / redisPassword)");
        }
    }

    public async Task<StateItem?> GetAsync(string key, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        HashEntry[] fields;
        try
        {
            fields = await Database.HashGetAllAsync(key).WaitAsync(cancellationToken);
        }
        catch (RedisServerException)
        {
            // Not a hash: a plain string written by a very old Dapr. daprd reads it as the value, without an ETag.
            var plain = await Database.StringGetAsync(key).WaitAsync(cancellationToken);
            return plain.IsNull ? null : new StateItem((byte[])plain!, null, NoMetadata);
        }

        if (fields.Length == 0)
        {
            return null;
        }

        var data = fields.FirstOrDefault(f => f.Name == DataField);
        var version = fields.FirstOrDefault(f => f.Name == VersionField);
        if (data.Name.IsNull || version.Name.IsNull)
        {
            throw new InvalidDataException("required hash field 'data' or 'version' was not found");
        }

        return new StateItem((byte[])data.Value!, version.Value.ToString(), NoMetadata);
    }

    public async Task SetAsync(StateUpsert upsert, CancellationToken cancellationToken)
    {
        var version = ExpectedVersion(upsert);
        var ttl = TtlOf(upsert);
        var firstWrite = upsert.Concurrency == StateConcurrency.FirstWrite ? "0" : "1";
        try
        {
            await Database.ExecuteAsync("EVAL", SetScript, 1, (RedisKey)upsert.Key, version, upsert.Value, firstWrite).WaitAsync(cancellationToken);
        }
        catch (RedisServerException e)
        {
            if (upsert.HasETag)
            {
                throw new ETagMismatchException(upsert.Key);
            }

            throw new FirstWriteConflictException($"failed to set key {upsert.Key}: {e.Message}", e);
        }

        if (ttl is { } seconds)
        {
            await (seconds > 0
                ? Database.ExecuteAsync("EXPIRE", (RedisKey)upsert.Key, seconds)
                : Database.ExecuteAsync("PERSIST", (RedisKey)upsert.Key)).WaitAsync(cancellationToken);
        }

        if (upsert.StrongConsistency && _replicas > 0)
        {
            await Database.ExecuteAsync("WAIT", _replicas, 1000).WaitAsync(cancellationToken);
        }
    }

    public async Task DeleteAsync(StateDelete delete, CancellationToken cancellationToken)
    {
        try
        {
            await Database.ExecuteAsync("EVAL", DeleteScript, 1, (RedisKey)delete.Key, delete.HasETag ? delete.ETag! : NoVersion).WaitAsync(cancellationToken);
        }
        catch (RedisServerException)
        {
            // daprd reports any refusal of the delete script as a mismatch, even for an ETag that is not a number.
            throw new ETagMismatchException(delete.Key);
        }
    }

    /// <summary>One <c>MULTI</c>/<c>EXEC</c>, without rollback: an operation that fails (an ETag mismatch) does not undo the
    /// others, and its error, the first in order, is thrown after the rest have applied, as daprd's component does.</summary>
    public async Task TransactAsync(IReadOnlyList<StateWrite> operations, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _rollbackWarned, 1) == 0)
        {
            _logger.LogWarning("Redis does not support transaction rollbacks and should not be used in production as an actor state store.");
        }

        // Every ETag and TTL is checked before anything is sent, so a malformed one changes nothing.
        var commands = operations.Select(operation => operation switch
        {
            StateUpsert upsert => (Write: operation, Version: ExpectedVersion(upsert), Ttl: TtlOf(upsert)),
            _ => (Write: operation, Version: operation.HasETag ? operation.ETag! : NoVersion, Ttl: (long?)null),
        }).ToList();

        var transaction = Database.CreateTransaction();
        var replies = new List<Task>();
        foreach (var (write, version, ttl) in commands)
        {
            var key = (RedisKey)write.Key;
            var json = write.Metadata.TryGetValue("contentType", out var contentType) && contentType == JsonContentType;
            replies.Add(write switch
            {
                _ when json => transaction.ExecuteAsync("EVAL", JsonOperationScript, 1, key, version),
                StateUpsert upsert => transaction.ExecuteAsync("EVAL", SetScript, 1, key, version, upsert.Value),
                _ => transaction.ExecuteAsync("EVAL", DeleteScript, 1, key, version),
            });
            if (ttl is { } seconds)
            {
                replies.Add(seconds > 0 ? transaction.ExecuteAsync("EXPIRE", key, seconds) : transaction.ExecuteAsync("PERSIST", key));
            }
        }

        await transaction.ExecuteAsync().WaitAsync(cancellationToken);
        Exception? first = null;
        foreach (var reply in replies)
        {
            try
            {
                await reply;
            }
            catch (RedisServerException e)
            {
                first ??= e;
            }
        }

        if (first is not null)
        {
            throw new InvalidOperationException(first.Message, first);
        }
    }

    /// <summary>A <c>SCAN … MATCH &lt;prefix&gt;*</c> over the whole keyspace, as daprd's <c>KeysLike</c> does.</summary>
    public async Task<IReadOnlyList<string>> KeysWithPrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await foreach (var key in Server.KeysAsync(_client.Database, GlobEscape(prefix) + "*", ScanPageSize).WithCancellation(cancellationToken))
        {
            keys.Add(key.ToString());
        }

        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            await connection.CloseAsync();
            await connection.DisposeAsync();
            _connection = null;
        }
    }

    /// <summary>Opens the connection, failing with what to do when nothing answers: the sidecar does not start without
    /// its store, as daprd does not.</summary>
    internal static async Task<ConnectionMultiplexer> ConnectAsync(RedisClientSettings client, string appId, CancellationToken cancellationToken)
    {
        var options = client.ToOptions($"localsidecar-{ClientNameSafe(appId)}");
        try
        {
            return await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(cancellationToken);
        }
        catch (RedisConnectionException e)
        {
            throw new InvalidOperationException($"redis store: error connecting to redis at {client.Address}: {Cause(e, client)}", e);
        }
    }

    private static string Cause(RedisConnectionException e, RedisClientSettings client)
    {
        // The client reports a failed TLS handshake and a refused AUTH alike (AuthenticationFailure); the inner exception tells them apart.
        if (client.EnableTls && (e.FailureType == ConnectionFailureType.AuthenticationFailure && !IsAuthReply(e) || HasInner<System.Security.Authentication.AuthenticationException>(e)))
        {
            return "the TLS handshake failed (enableTLS is on): the server's certificate must be trusted here or insecureSkipTLSVerify on, " +
                   "and a server that requires client certificates needs clientCert and clientKey";
        }

        if (e.FailureType == ConnectionFailureType.AuthenticationFailure)
        {
            return "the server refused the credentials (redisUsername / redisPassword)";
        }

        var tls = client.EnableTls ? " over TLS (enableTLS is on: is that the server's TLS port?)" : "";
        return $"no Redis server answered{tls} ({e.FailureType}). Start one with `redis-server --port {client.Port}` " +
               "(install it with `sudo apt-get install redis-server`), or point redisHost at yours";
    }

    private static bool IsAuthReply(Exception e) =>
        HasInner<RedisServerException>(e) || e.Message.Contains("WRONGPASS", StringComparison.Ordinal) || e.Message.Contains("NOAUTH", StringComparison.Ordinal);

    private static bool HasInner<T>(Exception? e)
        where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>daprd's <c>parseETag</c>: "0" (no expectation) under an explicit last-write or without an ETag, otherwise the
    /// ETag as an integer, reformatted as daprd's client sends it; anything else is invalid.</summary>
    private static string ExpectedVersion(StateUpsert upsert)
    {
        if (upsert.Concurrency == StateConcurrency.LastWrite && upsert.ConcurrencyRequested || !upsert.HasETag)
        {
            return NoVersion;
        }

        return long.TryParse(upsert.ETag, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var version)
            ? version.ToString(CultureInfo.InvariantCulture)
            : throw new InvalidETagException(upsert.ETag!);
    }

    /// <summary>The request's <c>ttlInSeconds</c>, else the component's; null when neither is set (then the key keeps
    /// whatever expiry it had).</summary>
    private long? TtlOf(StateUpsert upsert)
    {
        if (!upsert.Metadata.TryGetValue(StateTtl.Metadata, out var text) || text.Length == 0)
        {
            return _defaultTtlSeconds;
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds)
            ? seconds
            : throw new FormatException($"failed to parse ttl from metadata: '{text}' is not an integer number of seconds");
    }

    private static string GlobEscape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '*' or '?' or '[' or ']' or '\\')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }

    private static string ClientNameSafe(string appId) =>
        new(appId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray());
}
