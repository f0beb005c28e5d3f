using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace LocalSidecar.Components.State;

/// <summary><c>state.sqlite</c>: durable state in a SQLite file that several sidecars (in this process or in
/// others) can share, in the table layout of daprd's own component (<see cref="SqliteLayout"/>), so a real daprd reads
/// what the local sidecar wrote and the other way round. WAL and a busy timeout let readers and writers of different processes work side by side; in
/// WAL mode commits use <c>synchronous = NORMAL</c>, so a committed write survives a crash of the process, while an OS
/// crash or power loss can lose the last ones. Every write runs in an immediate (write-locked) transaction that
/// checks ETags and writes together, so concurrent writers never lose an update; instances of one file in one
/// process take turns at an in-process gate before SQLite's lock (<see cref="SqliteWriteGate"/>). Writes run on a thread
/// of the store's own (<see cref="SqliteWriterThread"/>); the writer and the readers keep their connections and
/// prepared statements (<see cref="SqliteSession"/>). Expired rows read as missing and are deleted every
/// <c>cleanupInterval</c>.</summary>
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
    private SqliteSession? _writer;
    private readonly SqliteWriterThread _writerThread = new("sqlite writer");
    private readonly ConcurrentBag<SqliteSession> _idleReaders = [];

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
            var writer = await WriterAsync(cancellationToken);
            await ExecuteAsync(writer.Connection, _wal ? "PRAGMA journal_mode = WAL;" : "PRAGMA journal_mode = DELETE;", cancellationToken);
            await new SqliteLayout(_table, _metadataTable, DatabasePath).EnsureAsync(writer.Connection, cancellationToken);
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
        return await ReadAsync(reader => reader.GetAsync(key, _time.GetUtcNow(), timeout.Token), timeout.Token);
    }

    public async Task<IReadOnlyList<string>> KeysWithPrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        using var timeout = Timeout(cancellationToken);
        return await ReadAsync(reader => KeysWithPrefixAsync(reader.Connection, prefix, timeout.Token), timeout.Token);
    }

    private async Task<IReadOnlyList<string>> KeysWithPrefixAsync(SqliteConnection connection, string prefix, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        // substr rather than LIKE: a key may hold % or _, which LIKE would read as wildcards.
        command.CommandText = $"""SELECT key FROM "{_table}" WHERE substr(key, 1, length($prefix)) = $prefix AND {SqliteLayout.NotExpired} ORDER BY key;""";
        command.Parameters.AddWithValue("$prefix", prefix);
        command.Parameters.AddWithValue("$now", SqliteLayout.Timestamp(_time.GetUtcNow()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
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
            var writer = await WriterAsync(timeout.Token);
            await using var command = writer.Connection.CreateCommand();
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
        _writerThread.Dispose();
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }

        while (_idleReaders.TryTake(out var reader))
        {
            await reader.DisposeAsync();
        }

        if (_connectionString.Length > 0)
        {
            // Pooled connections keep the file (and its WAL) open; release them so the file can be moved or deleted.
            using var connection = new SqliteConnection(_connectionString);
            SqliteConnection.ClearPool(connection);
        }

        _stopping.Dispose();
    }

    private Task WriteAsync(IReadOnlyList<StateWrite> writes, CancellationToken cancellationToken) =>
        _writerThread.RunAsync(() => WriteNowAsync(writes, cancellationToken));

    private async Task WriteNowAsync(IReadOnlyList<StateWrite> writes, CancellationToken cancellationToken)
    {
        using var timeout = Timeout(cancellationToken);
        await WriteGate.WaitAsync(timeout.Token);
        try
        {
            var writer = await WriterAsync(timeout.Token);
            try
            {
                await writer.BeginImmediateAsync(timeout.Token);
                var now = _time.GetUtcNow();
                foreach (var write in writes)
                {
                    if (write.NeedsCurrentETag)
                    {
                        write.EnsureApplicableTo(await writer.CurrentETagAsync(write.Key, now, timeout.Token));
                    }

                    if (write is StateUpsert upsert)
                    {
                        await writer.UpsertAsync(upsert, now, timeout.Token);
                    }
                    else
                    {
                        await writer.DeleteAsync(write.Key, timeout.Token);
                    }
                }

                await writer.CommitAsync(timeout.Token);
            }
            catch
            {
                await AbandonTransactionAsync(writer);
                throw;
            }
        }
        finally
        {
            WriteGate.Release();
        }
    }

    /// <summary>Rolls back what a failed write left open; a connection that cannot even do that is closed, and the next
    /// write opens a new one.</summary>
    private async Task AbandonTransactionAsync(SqliteSession writer)
    {
        try
        {
            if (writer.InTransaction)
            {
                writer.Rollback();
            }
        }
        catch (SqliteException)
        {
            _writer = null;
            await writer.DisposeAsync();
        }
    }

    /// <summary>A pragma's value on the writer's connection and on a reader's.</summary>
    internal async Task<(long Writer, long Reader)> PragmaAsync(string name, CancellationToken cancellationToken)
    {
        await WriteGate.WaitAsync(cancellationToken);
        long writer;
        try
        {
            writer = await PragmaAsync((await WriterAsync(cancellationToken)).Connection, name, cancellationToken);
        }
        finally
        {
            WriteGate.Release();
        }

        return (writer, await ReadAsync(reader => PragmaAsync(reader.Connection, name, cancellationToken), cancellationToken));
    }

    private static async Task<long> PragmaAsync(SqliteConnection connection, string name, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {name};";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The writer's session, opened on first use; used only while holding <see cref="WriteGate"/>.</summary>
    private async Task<SqliteSession> WriterAsync(CancellationToken cancellationToken) =>
        _writer ??= await OpenSessionAsync(cancellationToken);

    private Task<SqliteSession> OpenSessionAsync(CancellationToken cancellationToken) =>
        SqliteSession.OpenAsync(_connectionString, _table, _busyTimeout, _wal, cancellationToken);

    /// <summary>Runs <paramref name="read"/> on an idle reader (a new one when none is idle) and gives it back; a reader
    /// whose read failed is closed rather than given back.</summary>
    private async Task<T> ReadAsync<T>(Func<SqliteSession, Task<T>> read, CancellationToken cancellationToken)
    {
        var reader = _idleReaders.TryTake(out var idle) ? idle : await OpenSessionAsync(cancellationToken);
        T result;
        try
        {
            result = await read(reader);
        }
        catch
        {
            await reader.DisposeAsync();
            throw;
        }

        _idleReaders.Add(reader);
        return result;
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

    private static string TableNameOf(ComponentContext context, string field, string fallback)
    {
        var name = context.Optional(field) ?? fallback;
        return TableName().IsMatch(name) ? name : throw context.Invalid(field, $"'{name}' is not a valid table name (letters, digits and underscores)");
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex TableName();
}
