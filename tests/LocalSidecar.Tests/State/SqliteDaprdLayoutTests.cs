using System.Globalization;
using System.Text;
using LocalSidecar.Components;
using LocalSidecar.Components.State;
using Microsoft.Data.Sqlite;

namespace LocalSidecar.Tests.State;

/// <summary>state.sqlite and real daprd share files: the layout of dapr/components-contrib <c>state/sqlite</c>
/// (migration 1 of <c>sqlite_migrations.go</c>; values and times as <c>sqlite_dbaccess.go</c> writes them), set up here
/// with plain SQL the way daprd leaves a file, and read back the way daprd reads one.</summary>
public sealed class SqliteDaprdLayoutTests : IDisposable
{
    private static readonly Dictionary<string, string> NoMetadata = [];
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private string DatabasePath => Path.Combine(_dir.Path, "state.db");

    [Fact]
    public async Task A_file_written_by_daprd_is_read_with_its_json_and_binary_values_etags_and_expiry()
    {
        await ExecuteAsync("""
            CREATE TABLE metadata (key text NOT NULL PRIMARY KEY, value text NOT NULL);
            INSERT INTO metadata VALUES ('migrations', '1');
            CREATE TABLE state (
                key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL, is_binary BOOLEAN NOT NULL, etag TEXT NOT NULL,
                expiration_time TIMESTAMP DEFAULT NULL, update_time TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
            INSERT INTO state (key, value, is_binary, etag, update_time, expiration_time) VALUES
                ('app||json', '{"sku":"TENT-2P","qty":2}', 0, 'e-json', CURRENT_TIMESTAMP, NULL),
                ('app||bytes', 'AAEC/w==', 1, 'e-bytes', CURRENT_TIMESTAMP, NULL),
                ('app||later', '"soon"', 0, 'e-later', CURRENT_TIMESTAMP, DATETIME(CURRENT_TIMESTAMP, '+3600 seconds')),
                ('app||gone', '"past"', 0, 'e-gone', CURRENT_TIMESTAMP, DATETIME(CURRENT_TIMESTAMP, '-5 seconds'));
            """);

        await using var store = await OpenAsync();
        var json = await store.GetAsync("app||json", NoMetadata, CancellationToken.None);
        Assert.Equal("""{"sku":"TENT-2P","qty":2}""", Encoding.UTF8.GetString(json!.Value));
        Assert.Equal("e-json", json.ETag);
        Assert.Equal([0, 1, 2, 255], (await store.GetAsync("app||bytes", NoMetadata, CancellationToken.None))!.Value);
        var later = await store.GetAsync("app||later", NoMetadata, CancellationToken.None);
        var expiresAt = DateTimeOffset.Parse(later!.Metadata[StateItem.TtlExpireTimeMetadata], CultureInfo.InvariantCulture);
        Assert.InRange(expiresAt, DateTimeOffset.UtcNow.AddMinutes(59), DateTimeOffset.UtcNow.AddMinutes(61));
        Assert.Null(await store.GetAsync("app||gone", NoMetadata, CancellationToken.None));

        await store.SetAsync(new StateUpsert("app||json", "{}"u8.ToArray(), "e-json", NoMetadata, StateConcurrency.LastWrite), CancellationToken.None);
        Assert.Equal(1, await DeleteExpiredAsync(store));
    }

    [Fact]
    public async Task A_file_written_here_has_daprds_tables_migration_level_and_row_encoding()
    {
        await using (var store = await OpenAsync())
        {
            await store.SetAsync(new StateUpsert("app||json", """{"a":1}"""u8.ToArray(), null, NoMetadata, StateConcurrency.LastWrite), CancellationToken.None);
            await store.SetAsync(new StateUpsert("app||bytes", [0, 1, 2, 255], null, NoMetadata, StateConcurrency.LastWrite) { IsBinary = true }, CancellationToken.None);
            await store.SetAsync(new StateUpsert("app||ttl", "1"u8.ToArray(), null, new Dictionary<string, string> { ["ttlInSeconds"] = "100" }, StateConcurrency.LastWrite), CancellationToken.None);
        }

        Assert.Equal(
            ["key TEXT 1 1", "value TEXT 1 0", "is_binary BOOLEAN 1 0", "etag TEXT 1 0", "expiration_time TIMESTAMP 0 0", "update_time TIMESTAMP 1 0"],
            await QueryAsync("SELECT name || ' ' || upper(type) || ' ' || \"notnull\" || ' ' || pk FROM pragma_table_info('state') ORDER BY cid;"));
        Assert.Equal(["key TEXT 1 1", "value TEXT 1 0"], await QueryAsync("SELECT name || ' ' || upper(type) || ' ' || \"notnull\" || ' ' || pk FROM pragma_table_info('metadata') ORDER BY cid;"));
        Assert.Equal(["1"], await QueryAsync("SELECT value FROM metadata WHERE key = 'migrations';"));

        // As daprd reads a row: base64 text when is_binary, else the text itself; a UUID etag; times comparable with
        // SQLite's CURRENT_TIMESTAMP.
        Assert.Equal(["""{"a":1}|0"""], await QueryAsync("SELECT value || '|' || is_binary FROM state WHERE key = 'app||json';"));
        Assert.Equal(["AAEC/w==|1"], await QueryAsync("SELECT value || '|' || is_binary FROM state WHERE key = 'app||bytes';"));
        Assert.All(await QueryAsync("SELECT etag FROM state;"), etag => Assert.True(Guid.TryParse(etag, out _), etag));
        Assert.Equal(["1"], await QueryAsync("""
            SELECT COUNT(*) FROM state WHERE key = 'app||ttl'
                AND expiration_time > DATETIME(CURRENT_TIMESTAMP, '+98 seconds') AND expiration_time <= DATETIME(CURRENT_TIMESTAMP, '+100 seconds')
                AND update_time <= CURRENT_TIMESTAMP;
            """));
    }

    [Fact]
    public async Task A_file_of_the_earlier_local_layout_is_moved_to_daprds_once_keeping_values_etags_and_expiry()
    {
        var inAnHour = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds();
        var anHourAgo = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        await ExecuteAsync($"""
            CREATE TABLE state (key TEXT NOT NULL PRIMARY KEY, value BLOB NOT NULL, etag TEXT NOT NULL, expires_at INTEGER NULL, updated_at INTEGER NOT NULL);
            CREATE INDEX state_expires_at ON state (expires_at) WHERE expires_at IS NOT NULL;
            INSERT INTO state VALUES ('app||order', CAST('{"{"}"id":"o-1"{"}"}' AS BLOB), 'etag-1', NULL, {anHourAgo});
            INSERT INTO state VALUES ('app||raw', X'00FF10', 'etag-2', {inAnHour}, {anHourAgo});
            """);

        await using (var store = await OpenAsync())
        {
            var order = await store.GetAsync("app||order", NoMetadata, CancellationToken.None);
            Assert.Equal("""{"id":"o-1"}""", Encoding.UTF8.GetString(order!.Value));
            Assert.Equal("etag-1", order.ETag);
            var raw = await store.GetAsync("app||raw", NoMetadata, CancellationToken.None);
            Assert.Equal([0x00, 0xFF, 0x10], raw!.Value);
            Assert.True(raw.Metadata.ContainsKey(StateItem.TtlExpireTimeMetadata));
        }

        Assert.Equal(["app||order|0", "app||raw|1"], await QueryAsync("SELECT key || '|' || is_binary FROM state ORDER BY key;"));
        Assert.Empty(await QueryAsync("SELECT name FROM sqlite_master WHERE name LIKE '%local_v1%' OR name = 'state_expires_at';"));

        await using var reopened = await OpenAsync();
        Assert.NotNull(await reopened.GetAsync("app||order", NoMetadata, CancellationToken.None));
    }

    [Fact]
    public async Task A_newer_migration_level_is_refused_with_the_file_named()
    {
        await ExecuteAsync("CREATE TABLE metadata (key text NOT NULL PRIMARY KEY, value text NOT NULL); INSERT INTO metadata VALUES ('migrations', '7');");

        var error = await Assert.ThrowsAsync<ResourceException>(() => OpenAsync());
        Assert.Contains(DatabasePath, error.Message, StringComparison.Ordinal);
        Assert.Contains("migration 7", error.Message, StringComparison.Ordinal);
    }

    private Task<SqliteStateStore> OpenAsync() =>
        StateStoreFactory.InitAsync(new SqliteStateStore(), _dir.Path, new Dictionary<string, string> { ["connectionString"] = "state.db" });

    private static Task<int> DeleteExpiredAsync(SqliteStateStore store) => store.DeleteExpiredAsync(CancellationToken.None);

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<List<string>> QueryAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
