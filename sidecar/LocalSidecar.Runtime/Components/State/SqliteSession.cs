using Microsoft.Data.Sqlite;

namespace LocalSidecar.Components.State;

/// <summary>A connection the store keeps open, with its statements prepared once: every state call runs the same few
/// statements, and parsing them again for each call cost more than running them. One session serves one caller at a
/// time (the store's writer under its write gate, or a reader it has taken from the store's idle readers).</summary>
internal sealed class SqliteSession : IAsyncDisposable
{
    private readonly string _table;
    private SqliteCommand? _get;
    private SqliteCommand? _etag;
    private SqliteCommand? _upsert;
    private SqliteCommand? _delete;
    private SqliteCommand? _begin;
    private SqliteCommand? _commit;

    private SqliteSession(SqliteConnection connection, string table)
    {
        Connection = connection;
        _table = table;
    }

    public SqliteConnection Connection { get; }

    /// <summary>Opens a connection with the store's pragmas. busy_timeout: how long SQLite itself waits for another
    /// process's lock. synchronous = NORMAL is SQLite's recommended setting in WAL mode: commits no longer wait for an
    /// fsync of the WAL (the largest part of a write's time, and of its tail under load); the WAL is synced at
    /// checkpoints. The database stays consistent; an OS crash or power loss (not a crash of this process) can lose the
    /// last transactions before the checkpoint. The rollback journal (disableWAL) keeps FULL.</summary>
    public static async Task<SqliteSession> OpenAsync(string connectionString, string table, TimeSpan busyTimeout, bool wal, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            var pragmas = $"PRAGMA busy_timeout = {(int)busyTimeout.TotalMilliseconds};" + (wal ? " PRAGMA synchronous = NORMAL;" : "");
            await SqliteLayout.ExecuteAsync(connection, null, pragmas, cancellationToken);
            return new SqliteSession(connection, table);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>True while a transaction begun here is open (SQLite is out of autocommit mode).</summary>
    public bool InTransaction => SQLitePCL.raw.sqlite3_get_autocommit(Connection.Handle) == 0;

    public async Task<StateItem?> GetAsync(string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        _get ??= Command($"""SELECT value, is_binary, etag, expiration_time FROM "{_table}" WHERE key = $key AND {SqliteLayout.NotExpired};""", "$key", "$now");
        _get.Parameters["$key"].Value = key;
        _get.Parameters["$now"].Value = SqliteLayout.Timestamp(now);
        await using var reader = await _get.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var expiresAt = reader.IsDBNull(3) ? (DateTimeOffset?)null : SqliteLayout.ParseTimestamp(reader.GetString(3));
        return StateItem.Create(SqliteLayout.Decode(reader.GetString(0), reader.GetBoolean(1)), reader.GetString(2), expiresAt);
    }

    /// <summary>Takes the write lock up front (<c>BEGIN IMMEDIATE</c>): a deferred transaction that reads and then
    /// writes could fail with SQLITE_BUSY, without waiting, when another process wrote in between.</summary>
    public Task BeginImmediateAsync(CancellationToken cancellationToken) =>
        (_begin ??= Command("BEGIN IMMEDIATE;")).ExecuteNonQueryAsync(cancellationToken);

    public Task CommitAsync(CancellationToken cancellationToken) =>
        (_commit ??= Command("COMMIT;")).ExecuteNonQueryAsync(cancellationToken);

    public void Rollback()
    {
        using var rollback = Command("ROLLBACK;");
        rollback.ExecuteNonQuery();
    }

    public async Task<string?> CurrentETagAsync(string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        _etag ??= Command($"""SELECT etag FROM "{_table}" WHERE key = $key AND {SqliteLayout.NotExpired};""", "$key", "$now");
        _etag.Parameters["$key"].Value = key;
        _etag.Parameters["$now"].Value = SqliteLayout.Timestamp(now);
        return await _etag.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task UpsertAsync(StateUpsert upsert, DateTimeOffset now, CancellationToken cancellationToken)
    {
        _upsert ??= Command($"""
            INSERT OR REPLACE INTO "{_table}" (key, value, is_binary, etag, update_time, expiration_time)
            VALUES ($key, $value, $isBinary, $etag, $now, $expiresAt);
            """, "$key", "$value", "$isBinary", "$etag", "$now", "$expiresAt");
        var parameters = _upsert.Parameters;
        parameters["$key"].Value = upsert.Key;
        parameters["$value"].Value = SqliteLayout.Encode(upsert.Value, upsert.IsBinary);
        parameters["$isBinary"].Value = upsert.IsBinary;
        parameters["$etag"].Value = Guid.NewGuid().ToString();
        // daprd computes DATETIME(CURRENT_TIMESTAMP, '+N seconds'): whole seconds from the current second.
        var expiresAt = StateTtl.ExpiresAt(upsert.Metadata, SqliteLayout.WholeSecond(now));
        parameters["$expiresAt"].Value = expiresAt is { } expiry ? SqliteLayout.Timestamp(expiry) : DBNull.Value;
        parameters["$now"].Value = SqliteLayout.Timestamp(now);
        await _upsert.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        _delete ??= Command($"""DELETE FROM "{_table}" WHERE key = $key;""", "$key");
        _delete.Parameters["$key"].Value = key;
        await _delete.ExecuteNonQueryAsync(cancellationToken);
    }

    private SqliteCommand Command(string sql, params string[] parameterNames)
    {
        var command = Connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameterNames)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in new[] { _get, _etag, _upsert, _delete, _begin, _commit })
        {
            if (command is not null)
            {
                await command.DisposeAsync();
            }
        }

        await Connection.DisposeAsync();
    }
}
