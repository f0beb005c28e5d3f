using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace LocalSidecar.Components.State;

/// <summary><c>state.sqlite</c>: durable state in a SQLite file that several sidecars (in this process or in
/// others) can share, in the table layout of daprd's own component (<see cref="SqliteLayout"/>), so a real daprd reads
/// what the local sidecar wrote and the other way round. WAL and a busy timeout let readers and writers of different processes work side by side; in
/// WAL mode commits use <c>synchronous = NORMAL</c>, so a committed write survives a crash of the process, while an OS
/// crash or power loss can lose the last ones. Every write runs in an immediate (write-locked) transaction that
/// checks ETags and writes together, so concurrent writers never lose an update; instances of one file in one
/// process take turns at an in-process gate before SQLite's lock (<see cref="SqliteWriteGate"/>). Expired rows read
/// as missing and are deleted every <c>cleanupInterval</c>.</summary>
[ComponentType("state.sqlite")]
public sealed partial class SqliteStateStore : ITransactionalStateStore, IKeyListingStateStore
{
    private const string DefaultTable = "state";
    private const string DefaultMetadataTable = "metadata";

    private readonly CancellationTokenSource _stopping = new();
    private readonly TimeProvider _time = TimeProvider.System;
    private string _connectionString = "";
    private string _table = DefaultTable;
    private string _metadataTable = DefaultMetadataTable;
    private TimeSpan _timeout;
    private TimeSpan _busyTimeout;
    private bool _wal;
    private Task _cleanup = Task.CompletedTask;

    public StateStoreSettings Settings { get; private set; } = StateStoreSettings.Default;

    public IReadOnlyList<string> Capabilities => Settings.Capabilities("ETAG", "TRANSACTIONAL", "TTL");

    /// <summary>The database file, resolved to a full path.</summary>
    public string DatabasePath { get; private set; } = "";

    /// <summary>One writer per database file in this process at a time (see <see cref="SqliteWriteGate"/>): a
    /// waiting writer waits here asynchronously instead of blocking a thread-pool thread in SQLite's busy handler.</summary>
    internal SemaphoreSlim WriteGate { get; private set; } = new(1, 1);

    public async Task InitAsync(ComponentContext context, CancellationToken cancellationToken)
    {
        Settings = StateStoreSettings.Read(context);
        _table = TableNameOf(context, "tableName", DefaultTable);
        _metadataTable = TableNameOf(context, "metadataTableName", DefaultMetadataTable);
        _timeout = SecondsOrDuration(context, "timeout", TimeSpan.FromSeconds(20));
        _busyTimeout = context.Duration("busyTimeout", TimeSpan.FromSeconds(2));
        var cleanupInterval = SecondsOrDuration(context, "cleanupInterval", TimeSpan.Zero);
        var builder = ConnectionString(context);
        builder.DefaultTimeout = (int)Math.Ceiling(_timeout.TotalSeconds);
        DatabasePath = builder.DataSource;
        WriteGate = SqliteWriteGate.For(DatabasePath);
        _connectionString = builder.ToString();

        _wal = !context.Bool("disableWAL", false);
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        await WriteGate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await ExecuteAsync(connection, _wal ? "PRAGMA journal_mode = WAL;" : "PRAGMA journal_mode = DELETE;", cancellationToken);
            await new SqliteLayout(_table, _metadataTable, DatabasePath).EnsureAsync(connection, cancellationToken);
        }
        catch (SqliteLayoutException e)
        {
            throw context.Invalid("tableName", e.Message);
        }
        finally
        {
            WriteGate.Release();
        }

        if (cleanupInterval > TimeSpan.Zero)
        {
            _cleanup = CleanupLoopAsync(cleanupInterval, _stopping.Token);
        }
    }

    public async Task<StateItem?> GetAsync(string key, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        using var timeout = Timeout(cancellationToken);
        await using var connection = await OpenAsync(timeout.Token);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""SELECT value, is_binary, etag, expiration_time FROM "{_table}" WHERE key = $key AND {NotExpired};""";
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$now", SqliteLayout.Timestamp(_time.GetUtcNow()));
        await using var reader = await command.ExecuteReaderAsync(timeout.Token);
        if (!await reader.ReadAsync(timeout.Token))
        {
            return null;
        }

        var expiresAt = reader.IsDBNull(3) ? (DateTimeOffset?)null : SqliteLayout.ParseTimestamp(reader.GetString(3));
        return StateItem.Create(SqliteLayout.Decode(reader.GetString(0), reader.GetBoolean(1)), reader.GetString(2), expiresAt);
    }

    public async Task<IReadOnlyList<string>> KeysWithPrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        using var timeout = Timeout(cancellationToken);
        await using var connection = await OpenAsync(timeout.Token);
        await using var command = connection.CreateCommand();
        // substr rather than LIKE: a key may hold % or _, which LIKE would read as wildcards.
        command.CommandText = $"""SELECT key FROM "{_table}" WHERE substr(key, 1, length($prefix)) = $prefix AND {NotExpired} ORDER BY key;""";
        command.Parameters.AddWithValue("$prefix", prefix);
        command.Parameters.AddWithValue("$now", SqliteLayout.Timestamp(_time.GetUtcNow()));
        await using var reader = await command.ExecuteReaderAsync(timeout.Token);
        var keys = new List<string>();
        while (await reader.ReadAsync(timeout.Token))
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    public Task SetAsync(StateUpsert upsert, CancellationToken cancellationToken) => WriteAsync([upsert], cancellationToken);

    public Task DeleteAsync(StateDelete delete, CancellationToken cancellationToken) => WriteAsync([delete], cancellationToken);

    public Task TransactAsync(IReadOnlyList<StateWrite> operations, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken) =>
        WriteAsync(operations, cancellationToken);

    /// <summary>Deletes rows whose TTL has passed; returns how many.</summary>
    public async Task<int> DeleteExpiredAsync(CancellationToken cancellationToken)
    {
        using var timeout = Timeout(cancellationToken);
        await WriteGate.WaitAsync(timeout.Token);
        try
        {
            await using var connection = await OpenAsync(timeout.Token);
            await using var command = connection.CreateCommand();
            command.CommandText = $"""DELETE FROM "{_table}" WHERE expiration_time IS NOT NULL AND expiration_time <= $now;""";
            command.Parameters.AddWithValue("$now", SqliteLayout.Timestamp(_time.GetUtcNow()));
            var deleted = await command.ExecuteNonQueryAsync(timeout.Token);
            command.CommandText = $"""REPLACE INTO "{_metadataTable}" (key, value) VALUES ('last-cleanup', $now);""";
            await command.ExecuteNonQueryAsync(timeout.Token);
            return deleted;
        }
        finally
        {
            WriteGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _cleanup;
        if (_connectionString.Length > 0)
        {
            // Pooled connections keep the file (and its WAL) open; release them so the file can be moved or deleted.
            using var connection = new SqliteConnection(_connectionString);
            SqliteConnection.ClearPool(connection);
        }

        _stopping.Dispose();
    }

    private async Task WriteAsync(IReadOnlyList<StateWrite> writes, CancellationToken cancellationToken)
    {
        using var timeout = Timeout(cancellationToken);
        await WriteGate.WaitAsync(timeout.Token);
        try
        {
            await using var connection = await OpenAsync(timeout.Token);

            // IMMEDIATE takes the write lock up front: a deferred transaction that reads and then writes could fail
            // with SQLITE_BUSY (without waiting) when another process wrote in between.
            await using var transaction = connection.BeginTransaction(deferred: false);
            var now = _time.GetUtcNow();
            await using var rows = new SqliteRowWriter(connection, transaction, _table, now);
            foreach (var write in writes)
            {
                if (write.NeedsCurrentETag)
                {
                    write.EnsureApplicableTo(await CurrentETagAsync(connection, transaction, write.Key, now, timeout.Token));
                }
                if (write is StateUpsert upsert)
                {
                    await rows.UpsertAsync(upsert, timeout.Token);
                }
                else
                {
                    await rows.DeleteAsync(write.Key, timeout.Token);
                }
            }

            await transaction.CommitAsync(timeout.Token);
        }
        finally
        {
            WriteGate.Release();
        }
    }

    private async Task<string?> CurrentETagAsync(SqliteConnection connection, SqliteTransaction transaction, string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""SELECT etag FROM "{_table}" WHERE key = $key AND {NotExpired};""";
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$now", SqliteLayout.Timestamp(now));
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>The pooled SQLite connections that already run with this store's pragmas.</summary>
    private readonly ConditionalWeakTable<object, object> _configuredConnections = new();

    internal async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            if (!_configuredConnections.TryAdd(connection.Handle!, true))
            {
                return connection;
            }

            // Both pragmas are per connection (a pooled one keeps them), in one round trip. busy_timeout: how long SQLite itself waits for another
            // connection's lock. synchronous = NORMAL is SQLite's recommended setting in WAL mode: commits no longer
            // wait for an fsync of the WAL (the largest part of a write's time, and of its tail under load); the WAL is
            // synced at checkpoints. The database stays consistent; an OS crash or power loss (not a crash of this
            // process) can lose the last transactions before the checkpoint. The rollback journal (disableWAL) keeps FULL.
            var pragmas = $"PRAGMA busy_timeout = {(int)_busyTimeout.TotalMilliseconds};" + (_wal ? " PRAGMA synchronous = NORMAL;" : "");
            await ExecuteAsync(connection, pragmas, cancellationToken);

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken) =>
        SqliteLayout.ExecuteAsync(connection, null, sql, cancellationToken);

    private async Task CleanupLoopAsync(TimeSpan interval, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                try
                {
                    await DeleteExpiredAsync(stopping);
                }
                catch (SqliteException)
                {
                    // Typically the database stayed busy past the timeout; the next tick tries again, and expired
                    // rows read as missing meanwhile.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private CancellationTokenSource Timeout(CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(_timeout);
        return source;
    }

    /// <summary><c>connectionString</c> is a file path or an ADO.NET connection string (<c>Data Source=...</c>);
    /// a relative file is resolved against the sidecar's working directory.</summary>
    private static SqliteConnectionStringBuilder ConnectionString(ComponentContext context)
    {
        var value = context.Required("connectionString");
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = value.Contains('=', StringComparison.Ordinal) ? new SqliteConnectionStringBuilder(value) : new SqliteConnectionStringBuilder();
        }
        catch (ArgumentException e)
        {
            throw context.Invalid("connectionString", $"is neither a file path nor a valid connection string: {e.Message}");
        }

        if (string.IsNullOrEmpty(builder.DataSource))
        {
            builder = new SqliteConnectionStringBuilder { DataSource = value };
        }

        if (builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory || builder.DataSource.Contains("mode=memory", StringComparison.OrdinalIgnoreCase))
        {
            throw context.Invalid("connectionString", "in-memory SQLite databases are not supported; use a state.in-memory component instead");
        }

        if (builder.DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            throw context.Invalid("connectionString", "SQLite URI filenames (file:...) are not supported; give a file path or 'Data Source=<path>'");
        }

        builder.DataSource = context.ResolvePath(builder.DataSource);
        return builder;
    }

    /// <summary>A Go duration (<c>30s</c>) or, as daprd also accepts for these fields, a bare number of seconds.</summary>
    private static TimeSpan SecondsOrDuration(ComponentContext context, string name, TimeSpan fallback) =>
        context.Optional(name) is { } text && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : context.Duration(name, fallback);

    /// <summary>daprd compares its text timestamps with the current second (<c>CURRENT_TIMESTAMP</c>).</summary>
    private const string NotExpired = "(expiration_time IS NULL OR expiration_time > $now)";

    private static string TableNameOf(ComponentContext context, string field, string fallback)
    {
        var name = context.Optional(field) ?? fallback;
        return TableName().IsMatch(name) ? name : throw context.Invalid(field, $"'{name}' is not a valid table name (letters, digits and underscores)");
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex TableName();
}
