using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace LocalSidecar.Components.State;

/// <summary>The tables of daprd's <c>state.sqlite</c> component (dapr/components-contrib <c>state/sqlite</c>): a state
/// table <c>(key, value, is_binary, etag, expiration_time, update_time)</c> whose values are JSON text, or base64 text
/// when the value is raw bytes, and a metadata table <c>(key, value)</c> holding the schema's migration level
/// (<c>migrations</c> = 1) and the time of the last cleanup. Timestamps are UTC text to the second, as SQLite's
/// <c>CURRENT_TIMESTAMP</c> writes them. A file in the local sidecar's earlier layout is moved over once.</summary>
public sealed class SqliteLayout(string table, string metadataTable, string databasePath)
{
    public const int MigrationLevel = 1;

    private const string TimestampFormat = "yyyy-MM-dd HH:mm:ss";

    public static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset WholeSecond(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    public static DateTimeOffset ParseTimestamp(string text) =>
        DateTimeOffset.TryParseExact(text, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var exact)
            ? exact
            : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    /// <summary>The condition under which a row is live; daprd compares its text timestamps with the current second
    /// (<c>CURRENT_TIMESTAMP</c>), here the parameter <c>$now</c>.</summary>
    public const string NotExpired = "(expiration_time IS NULL OR expiration_time > $now)";

    public static string Encode(byte[] value, bool isBinary) => isBinary ? Convert.ToBase64String(value) : Encoding.UTF8.GetString(value);

    public static byte[] Decode(string value, bool isBinary) => isBinary ? Convert.FromBase64String(value) : Encoding.UTF8.GetBytes(value);

    /// <summary>Creates the tables daprd would create, records the migration level, and moves the rows of a table in the
    /// local sidecar's earlier layout over; refuses a file it cannot read as daprd's.</summary>
    public async Task EnsureAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = connection.BeginTransaction(deferred: false);
        var earlierLayout = (await ColumnsAsync(connection, transaction, table, cancellationToken)).Contains("expires_at");
        await ExecuteAsync(connection, transaction, $"""CREATE TABLE IF NOT EXISTS "{metadataTable}" (key text NOT NULL PRIMARY KEY, value text NOT NULL);""", cancellationToken);
        var level = await LevelAsync(connection, transaction, cancellationToken);
        if (level > MigrationLevel)
        {
            throw new SqliteLayoutException($"'{databasePath}' is at schema migration {level} of daprd's state.sqlite, newer than the {MigrationLevel} the local sidecar knows");
        }

        if (earlierLayout)
        {
            await ExecuteAsync(connection, transaction, $"""ALTER TABLE "{table}" RENAME TO "{table}_local_v1"; DROP INDEX IF EXISTS "{table}_expires_at";""", cancellationToken);
        }

        await ExecuteAsync(connection, transaction, $"""
            CREATE TABLE IF NOT EXISTS "{table}" (
                key TEXT NOT NULL PRIMARY KEY,
                value TEXT NOT NULL,
                is_binary BOOLEAN NOT NULL,
                etag TEXT NOT NULL,
                expiration_time TIMESTAMP DEFAULT NULL,
                update_time TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
            );
            REPLACE INTO "{metadataTable}" (key, value) VALUES ('migrations', '{MigrationLevel}');
            """, cancellationToken);
        if (earlierLayout)
        {
            await MoveEarlierRowsAsync(connection, transaction, cancellationToken);
        }

        var columns = await ColumnsAsync(connection, transaction, table, cancellationToken);
        string[] expected = ["key", "value", "is_binary", "etag", "expiration_time", "update_time"];
        if (!expected.All(columns.Contains))
        {
            throw new SqliteLayoutException($"table '{table}' in '{databasePath}' has columns ({string.Join(", ", columns)}), not daprd's state.sqlite layout "
                + $"({string.Join(", ", expected)}); give another tableName, or delete the file to start afresh");
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The earlier layout kept values as blobs of the JSON (or raw) bytes and times as Unix milliseconds.</summary>
    private async Task MoveEarlierRowsAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        var rows = new List<(string Key, byte[] Value, string ETag, long? ExpiresAt, long UpdatedAt)>();
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = $"""SELECT key, value, etag, expires_at, updated_at FROM "{table}_local_v1";""";
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetString(0), (byte[])reader.GetValue(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.GetInt64(4)));
            }
        }

        foreach (var row in rows)
        {
            var isBinary = !IsJson(row.Value);
            await using var write = connection.CreateCommand();
            write.Transaction = transaction;
            write.CommandText = $"""
                INSERT OR REPLACE INTO "{table}" (key, value, is_binary, etag, update_time, expiration_time)
                VALUES ($key, $value, $isBinary, $etag, $updated, $expires);
                """;
            write.Parameters.AddWithValue("$key", row.Key);
            write.Parameters.AddWithValue("$value", Encode(row.Value, isBinary));
            write.Parameters.AddWithValue("$isBinary", isBinary);
            write.Parameters.AddWithValue("$etag", row.ETag);
            write.Parameters.AddWithValue("$updated", Timestamp(DateTimeOffset.FromUnixTimeMilliseconds(row.UpdatedAt)));
            // Rounded up to the second, so that no item expires earlier than it was told to.
            write.Parameters.AddWithValue("$expires", row.ExpiresAt is { } ms ? Timestamp(DateTimeOffset.FromUnixTimeMilliseconds(ms + 999)) : DBNull.Value);
            await write.ExecuteNonQueryAsync(cancellationToken);
        }

        await ExecuteAsync(connection, transaction, $"""DROP TABLE "{table}_local_v1";""", cancellationToken);
    }

    private static bool IsJson(byte[] value)
    {
        try
        {
            using var _ = JsonDocument.Parse(value);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private async Task<int> LevelAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""SELECT value FROM "{metadataTable}" WHERE key = 'migrations';""";
        var value = await command.ExecuteScalarAsync(cancellationToken) as string;
        return value is null ? 0
            : int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var level) ? level
            : throw new SqliteLayoutException($"'{databasePath}': the migration level in table '{metadataTable}' is '{value}', not a number");
    }

    private static async Task<HashSet<string>> ColumnsAsync(SqliteConnection connection, SqliteTransaction transaction, string tableName, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT name FROM pragma_table_info($table);";
        command.Parameters.AddWithValue("$table", tableName);
        var columns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            columns.Add(reader.GetString(0));
        }

        return columns;
    }

    internal static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>The database file holds something the local sidecar cannot read as daprd's state.sqlite layout.</summary>
public sealed class SqliteLayoutException(string message) : Exception(message);
