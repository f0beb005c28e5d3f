using System.Text;
using LocalSidecar.Components;
using LocalSidecar.Components.State;
using Microsoft.Data.Sqlite;

namespace LocalSidecar.Tests.State;

public sealed class SqliteStateStoreTests : IDisposable
{
    private static readonly Dictionary<string, string> NoMetadata = [];
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Values_and_etags_survive_closing_and_reopening_the_file()
    {
        string etag;
        await using (var store = await OpenAsync())
        {
            await store.SetAsync(Upsert("k", "\"kept\""), CancellationToken.None);
            etag = (await store.GetAsync("k", NoMetadata, CancellationToken.None))!.ETag!;
        }

        await using var reopened = await OpenAsync();
        var item = await reopened.GetAsync("k", NoMetadata, CancellationToken.None);
        Assert.Equal("\"kept\"", Encoding.UTF8.GetString(item!.Value));
        Assert.Equal(etag, item.ETag);
    }

    [Fact]
    public async Task Concurrent_read_modify_write_with_etag_retries_loses_no_update_across_two_instances_of_one_file()
    {
        await using var first = await OpenAsync();
        await using var second = await OpenAsync();
        await first.SetAsync(Upsert("counter", "0"), CancellationToken.None);

        var attempts = 0;
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            var store = i % 2 == 0 ? first : second;
            while (true)
            {
                Interlocked.Increment(ref attempts);
                var current = (await store.GetAsync("counter", NoMetadata, CancellationToken.None))!;
                var next = int.Parse(Encoding.UTF8.GetString(current.Value), System.Globalization.CultureInfo.InvariantCulture) + 1;
                try
                {
                    await store.SetAsync(Upsert("counter", next.ToString(System.Globalization.CultureInfo.InvariantCulture), current.ETag), CancellationToken.None);
                    return;
                }
                catch (ETagMismatchException)
                {
                }
            }
        })));

        var final = await second.GetAsync("counter", NoMetadata, CancellationToken.None);
        Assert.Equal("20", Encoding.UTF8.GetString(final!.Value));
        Assert.True(attempts >= 20);
    }

    [Fact]
    public async Task Two_instances_writing_different_keys_in_parallel_both_see_every_write()
    {
        await using var first = await OpenAsync();
        await using var second = await OpenAsync();
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() =>
            (i % 2 == 0 ? first : second).SetAsync(Upsert($"key-{i}", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), CancellationToken.None))));

        foreach (var store in new[] { first, second })
        {
            for (var i = 0; i < 40; i++)
            {
                Assert.NotNull(await store.GetAsync($"key-{i}", NoMetadata, CancellationToken.None));
            }
        }
    }

    [Fact]
    public async Task Instances_of_one_file_in_one_process_share_one_write_gate_and_other_files_have_their_own()
    {
        await using var first = await OpenAsync();
        await using var second = await OpenAsync(new() { ["connectionString"] = Path.Combine("sub", "..", "state.db") });
        await using var other = await OpenAsync(new() { ["connectionString"] = "other.db" });

        Assert.Equal(first.DatabasePath, second.DatabasePath);
        Assert.Same(first.WriteGate, second.WriteGate);
        Assert.NotSame(first.WriteGate, other.WriteGate);
    }

    [Fact]
    public async Task A_write_through_one_instance_waits_while_another_instance_of_the_file_holds_the_gate()
    {
        await using var first = await OpenAsync();
        await using var second = await OpenAsync();

        await first.WriteGate.WaitAsync();
        var write = second.SetAsync(Upsert("k", "1"), CancellationToken.None);
        Assert.Null(await first.GetAsync("k", NoMetadata, CancellationToken.None));
        Assert.False(write.IsCompleted);

        first.WriteGate.Release();
        await write;
        Assert.NotNull(await first.GetAsync("k", NoMetadata, CancellationToken.None));
    }

    [Fact]
    public async Task A_write_returns_to_its_caller_at_once_while_another_connection_holds_the_files_write_lock()
    {
        await using var store = await OpenAsync(new() { ["busyTimeout"] = "10s" });
        await using var other = new SqliteConnection($"Data Source={store.DatabasePath}");
        await other.OpenAsync(TestContext.Current.CancellationToken);
        await using var holding = other.BeginTransaction(deferred: false);

        // On the caller's thread, the write would wait in SQLite's busy handler before the call returned.
        var write = store.SetAsync(Upsert("k", "1"), CancellationToken.None);
        Assert.False(write.IsCompleted);

        await holding.CommitAsync(TestContext.Current.CancellationToken);
        await write;
        Assert.NotNull(await store.GetAsync("k", NoMetadata, CancellationToken.None));
    }

    [Fact]
    public async Task A_failing_transaction_changes_nothing()
    {
        await using var store = await OpenAsync();
        await store.SetAsync(Upsert("existing", "1"), CancellationToken.None);
        await store.SetAsync(Upsert("doomed", "1"), CancellationToken.None);

        await Assert.ThrowsAsync<ETagMismatchException>(() => store.TransactAsync(
            [Upsert("created", "1"), new StateDelete("doomed", null, NoMetadata, StateConcurrency.LastWrite), Upsert("existing", "2", "stale")],
            NoMetadata, CancellationToken.None));

        Assert.Null(await store.GetAsync("created", NoMetadata, CancellationToken.None));
        Assert.NotNull(await store.GetAsync("doomed", NoMetadata, CancellationToken.None));
        Assert.Equal("1", Encoding.UTF8.GetString((await store.GetAsync("existing", NoMetadata, CancellationToken.None))!.Value));

        // The failed transaction was rolled back on the connection the store keeps for writing, so the next one commits.
        await store.TransactAsync([Upsert("existing", "3"), Upsert("created", "2")], NoMetadata, CancellationToken.None);
        Assert.Equal("3", Encoding.UTF8.GetString((await store.GetAsync("existing", NoMetadata, CancellationToken.None))!.Value));
        Assert.NotNull(await store.GetAsync("created", NoMetadata, CancellationToken.None));
    }

    [Fact]
    public async Task Later_operations_of_a_transaction_see_earlier_ones()
    {
        await using var store = await OpenAsync();
        await store.TransactAsync(
            [Upsert("k", "1"), Upsert("k", "2", concurrency: StateConcurrency.LastWrite), new StateDelete("gone", null, NoMetadata, StateConcurrency.LastWrite)],
            NoMetadata, CancellationToken.None);
        Assert.Equal("2", Encoding.UTF8.GetString((await store.GetAsync("k", NoMetadata, CancellationToken.None))!.Value));

        await Assert.ThrowsAsync<ETagMismatchException>(() => store.TransactAsync(
            [new StateDelete("k", null, NoMetadata, StateConcurrency.LastWrite), Upsert("k", "3", concurrency: StateConcurrency.FirstWrite), Upsert("k", "4", concurrency: StateConcurrency.FirstWrite)],
            NoMetadata, CancellationToken.None));
        Assert.Equal("2", Encoding.UTF8.GetString((await store.GetAsync("k", NoMetadata, CancellationToken.None))!.Value));
    }

    [Fact]
    public async Task Expired_rows_read_as_missing_and_the_cleanup_deletes_them()
    {
        await using var store = await OpenAsync(new() { ["cleanupInterval"] = "100ms" });
        await store.SetAsync(Upsert("brief", "1", metadata: new() { ["ttlInSeconds"] = "1" }), CancellationToken.None);
        await store.SetAsync(Upsert("lasting", "1"), CancellationToken.None);
        var item = await store.GetAsync("brief", NoMetadata, CancellationToken.None);
        Assert.True(item is null || item.Metadata.ContainsKey(StateItem.TtlExpireTimeMetadata));

        await Eventually(async () => await CountRowsAsync(store.DatabasePath) == 1, "the expired row was not cleaned up");
        Assert.Null(await store.GetAsync("brief", NoMetadata, CancellationToken.None));
        Assert.NotNull(await store.GetAsync("lasting", NoMetadata, CancellationToken.None));
    }

    [Fact]
    public async Task Without_a_cleanup_interval_an_expired_row_stays_until_deleted_but_reads_as_missing()
    {
        await using var store = await OpenAsync();
        await store.SetAsync(Upsert("brief", "1", metadata: new() { ["ttlInSeconds"] = "1" }), CancellationToken.None);
        await Eventually(async () => await store.GetAsync("brief", NoMetadata, CancellationToken.None) is null, "the row never expired");

        Assert.Equal(1, await CountRowsAsync(store.DatabasePath));
        Assert.Equal(1, await store.DeleteExpiredAsync(CancellationToken.None));
        Assert.Equal(0, await CountRowsAsync(store.DatabasePath));
    }

    [Fact]
    public async Task An_expired_key_counts_as_missing_for_first_write_and_etag_checks()
    {
        await using var store = await OpenAsync();
        await store.SetAsync(Upsert("k", "1", metadata: new() { ["ttlInSeconds"] = "1" }), CancellationToken.None);
        var etag = (await store.GetAsync("k", NoMetadata, CancellationToken.None))?.ETag;
        await Eventually(async () => await store.GetAsync("k", NoMetadata, CancellationToken.None) is null, "the row never expired");

        if (etag is not null)
        {
            await Assert.ThrowsAsync<ETagMismatchException>(() => store.SetAsync(Upsert("k", "2", etag), CancellationToken.None));
        }

        await store.SetAsync(Upsert("k", "3", concurrency: StateConcurrency.FirstWrite), CancellationToken.None);
        var item = await store.GetAsync("k", NoMetadata, CancellationToken.None);
        Assert.Equal("3", Encoding.UTF8.GetString(item!.Value));
        Assert.Empty(item.Metadata);
    }

    [Fact]
    public async Task A_connection_string_with_a_relative_data_source_resolves_against_the_working_directory()
    {
        await using var store = await OpenAsync(new() { ["connectionString"] = "Data Source=nested/dir/data.db;Cache=Shared" });
        Assert.Equal(Path.Combine(_dir.Path, "nested", "dir", "data.db"), store.DatabasePath);
        await store.SetAsync(Upsert("k", "1"), CancellationToken.None);
        Assert.True(File.Exists(store.DatabasePath));
    }

    [Fact]
    public async Task The_database_uses_wal_unless_disableWAL_is_set()
    {
        await using (var wal = await OpenAsync(new() { ["connectionString"] = "wal.db" }))
        {
            Assert.Equal("wal", await JournalModeAsync(wal.DatabasePath));
        }

        await using var rollback = await OpenAsync(new() { ["connectionString"] = "rollback.db", ["disableWAL"] = "true" });
        Assert.Equal("delete", await JournalModeAsync(rollback.DatabasePath));
    }

    [Theory]
    [InlineData("false", 1L)] // NORMAL
    [InlineData("true", 2L)] // FULL, SQLite's default
    public async Task Connections_commit_with_synchronous_normal_in_wal_mode_and_full_with_the_rollback_journal(string disableWal, long expected)
    {
        await using var store = await OpenAsync(new() { ["disableWAL"] = disableWal });
        await store.SetAsync(Upsert("k", "1"), CancellationToken.None);

        Assert.Equal((expected, expected), await store.PragmaAsync("synchronous", CancellationToken.None));
    }

    [Fact]
    public async Task Table_name_is_configurable_and_tables_are_independent()
    {
        await using var defaultTable = await OpenAsync();
        await using var otherTable = await OpenAsync(new() { ["tableName"] = "other_state" });
        await defaultTable.SetAsync(Upsert("k", "1"), CancellationToken.None);
        Assert.Null(await otherTable.GetAsync("k", NoMetadata, CancellationToken.None));
    }

    [Theory]
    [InlineData("connectionString", "")]
    [InlineData("connectionString", ":memory:")]
    [InlineData("connectionString", "file:data.db?mode=rwc")]
    [InlineData("tableName", "state; DROP TABLE x")]
    [InlineData("busyTimeout", "soon")]
    [InlineData("disableWAL", "maybe")]
    public async Task Bad_metadata_is_a_resource_error_naming_the_field(string field, string value)
    {
        var metadata = new Dictionary<string, string> { ["connectionString"] = "state.db", [field] = value };
        var error = await Assert.ThrowsAsync<ResourceException>(() => StateStoreFactory.InitAsync(new SqliteStateStore(), _dir.Path, metadata));
        Assert.Equal($"spec.metadata.{field}", error.Field);
    }

    [Fact]
    public async Task A_table_of_another_shape_is_reported_rather_than_used()
    {
        var path = Path.Combine(_dir.Path, "foreign.db");
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT);";
            await command.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<ResourceException>(() => OpenAsync(new() { ["connectionString"] = path }));
        Assert.Equal("spec.metadata.tableName", error.Field);
    }

    [Fact]
    public async Task Capabilities_include_actor_only_for_the_actor_state_store()
    {
        await using var plain = await OpenAsync();
        await using var actors = await OpenAsync(new() { ["actorStateStore"] = "true" });
        Assert.Equal(["ETAG", "TRANSACTIONAL", "TTL"], plain.Capabilities);
        Assert.Equal(["ETAG", "TRANSACTIONAL", "TTL", "ACTOR"], actors.Capabilities);
        Assert.True(actors.Settings.IsActorStateStore);
    }

    private Task<SqliteStateStore> OpenAsync(Dictionary<string, string>? metadata = null)
    {
        var all = new Dictionary<string, string> { ["connectionString"] = "state.db" };
        foreach (var (name, value) in metadata ?? [])
        {
            all[name] = value;
        }

        return StateStoreFactory.InitAsync(new SqliteStateStore(), _dir.Path, all);
    }

    private static StateUpsert Upsert(string key, string json, string? etag = null, Dictionary<string, string>? metadata = null, StateConcurrency concurrency = StateConcurrency.LastWrite) =>
        new(key, Encoding.UTF8.GetBytes(json), etag, metadata ?? NoMetadata, concurrency);

    private static async Task<long> CountRowsAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM state;";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<string> JournalModeAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task Eventually(Func<Task<bool>> condition, string failure)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(50);
        }
    }
}
