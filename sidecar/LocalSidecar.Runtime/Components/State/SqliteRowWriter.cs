using Microsoft.Data.Sqlite;

namespace LocalSidecar.Components.State;

/// <summary>Writes the rows of one transaction with one upsert and one delete statement, each prepared once and run
/// again with new values: a workflow turn writes several history rows at a time.</summary>
internal sealed class SqliteRowWriter(SqliteConnection connection, SqliteTransaction transaction, string table, DateTimeOffset now) : IAsyncDisposable
{
    private SqliteCommand? _upsert;
    private SqliteCommand? _delete;

    public async Task UpsertAsync(StateUpsert upsert, CancellationToken cancellationToken)
    {
        _upsert ??= Command($"""
            INSERT OR REPLACE INTO "{table}" (key, value, is_binary, etag, update_time, expiration_time)
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
        _delete ??= Command($"""DELETE FROM "{table}" WHERE key = $key;""", "$key");
        _delete.Parameters["$key"].Value = key;
        await _delete.ExecuteNonQueryAsync(cancellationToken);
    }

    private SqliteCommand Command(string sql, params string[] parameterNames)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameterNames)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    public async ValueTask DisposeAsync()
    {
        if (_upsert is not null)
        {
            await _upsert.DisposeAsync();
        }

        if (_delete is not null)
        {
            await _delete.DisposeAsync();
        }
    }
}
