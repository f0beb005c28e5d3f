using System.Text;
using LocalSidecar.Components;
using LocalSidecar.Components.State;
using Sidecart.Testing;
using StackExchange.Redis;

namespace LocalSidecar.Tests.State;

/// <summary><c>state.redis</c> against a real redis-server, checked by reading Redis directly: the hash layout daprd
/// reads and writes (redis-facts.md §1), its ETag, first-write, TTL and transaction rules, quirks included.</summary>
public sealed class RedisStateStoreTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IDisposable
{
    private static readonly Dictionary<string, string> NoMetadata = [];
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_value_is_a_hash_of_data_and_a_version_counting_the_writes_which_is_the_etag()
    {
        await using var store = await OpenAsync();
        var key = NewKey();
        await store.SetAsync(Upsert(key, """{"n":1}"""), CancellationToken.None);
        await store.SetAsync(Upsert(key, """{"n":2}"""), CancellationToken.None);

        var hash = (await redis.Direct.HashGetAllAsync(key)).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
        Assert.Equal(new Dictionary<string, string> { ["data"] = """{"n":2}""", ["version"] = "2" }, hash);
        var item = await store.GetAsync(key, NoMetadata, CancellationToken.None);
        Assert.Equal("2", item!.ETag);
        Assert.Equal("""{"n":2}""", Encoding.UTF8.GetString(item.Value));
    }

    [Fact]
    public async Task Raw_bytes_are_stored_untouched()
    {
        await using var store = await OpenAsync();
        var key = NewKey();
        byte[] bytes = [0, 255, 10, 13, 0x80, 1];
        await store.SetAsync(new StateUpsert(key, bytes, null, NoMetadata, StateConcurrency.LastWrite) { IsBinary = true }, CancellationToken.None);

        Assert.Equal(bytes, (byte[])(await redis.Direct.HashGetAsync(key, "data"))!);
        Assert.Equal(bytes, (await store.GetAsync(key, NoMetadata, CancellationToken.None))!.Value);
    }

    [Fact]
    public async Task What_daprd_wrote_reads_back_with_its_version_as_the_etag_and_an_old_plain_string_without_one()
    {
        await using var store = await OpenAsync();
        var (hash, plain, broken) = (NewKey(), NewKey(), NewKey());
        await redis.Direct.HashSetAsync(hash, [new("data", "\"from daprd\""), new("version", "7"), new("first-write", "0")]);
        await redis.Direct.StringSetAsync(plain, "\"legacy\"");
        await redis.Direct.HashSetAsync(broken, [new("data", "1")]);

        var item = await store.GetAsync(hash, NoMetadata, CancellationToken.None);
        Assert.Equal(("\"from daprd\"", "7"), (Encoding.UTF8.GetString(item!.Value), item.ETag));
        var legacy = await store.GetAsync(plain, NoMetadata, CancellationToken.None);
        Assert.Equal(("\"legacy\"", (string?)null), (Encoding.UTF8.GetString(legacy!.Value), legacy.ETag));
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetAsync(broken, NoMetadata, CancellationToken.None));
        Assert.Contains("'data' or 'version'", error.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetAsync(NewKey(), NoMetadata, CancellationToken.None));
    }

    [Fact]
    public async Task A_saved_key_that_is_not_a_hash_is_replaced_by_one()
    {
        await using var store = await OpenAsync();
        var key = NewKey();
        await redis.Direct.StringSetAsync(key, "old");
        await store.SetAsync(Upsert(key, "\"new\""), CancellationToken.None);
        Assert.Equal("1", (await redis.Direct.HashGetAsync(key, "version")).ToString());
    }

    [Fact]
    public async Task Etags_are_version_numbers_a_missing_key_takes_any_and_a_non_numeric_one_is_invalid()
    {
        await using var store = await OpenAsync();
        var key = NewKey();
        await store.SetAsync(Upsert(key, "1", etag: "42"), CancellationToken.None);
        Assert.Equal("1", (await redis.Direct.HashGetAsync(key, "version")).ToString());

        await Assert.ThrowsAsync<ETagMismatchException>(() => store.SetAsync(Upsert(key, "2", etag: "5"), CancellationToken.None));
        await Assert.ThrowsAsync<InvalidETagException>(() => store.SetAsync(Upsert(key, "2", etag: "not-a-number"), CancellationToken.None));
        await store.SetAsync(Upsert(key, "2", etag: "+1"), CancellationToken.None);
        Assert.Equal("2", (await store.GetAsync(key, NoMetadata, CancellationToken.None))!.ETag);
    }

    [Fact]
    public async Task An_explicit_last_write_ignores_the_etag_but_an_unset_concurrency_does_not()
    {
        await using var store = await OpenAsync();
        var key = NewKey();
        await store.SetAsync(Upsert(key, "1"), CancellationToken.None);
        await store.SetAsync(Upsert(key, "2", etag: "not-a-number") with { ConcurrencyRequested = true }, CancellationToken.None);
        await store.SetAsync(Upsert(key, "3", etag: "99") with { ConcurrencyRequested = true }, CancellationToken.None);
        Assert.Equal("3", Encoding.UTF8.GetString((await store.GetAsync(key, NoMetadata, CancellationToken.None))!.Value));
        await Assert.ThrowsAsync<ETagMismatchException>(() => store.SetAsync(Upsert(key, "4", etag: "99"), CancellationToken.None));
    }

    [Fact]
    public async Task A_first_write_marks_the_key_and_every_later_save_without_an_etag_is_a_plain_failure_until_deleted()
    {
        await using var store = await OpenAsync();
        var (key, plain) = (NewKey(), NewKey());
        await store.SetAsync(Upsert(key, "1", concurrency: StateConcurrency.FirstWrite), CancellationToken.None);
        Assert.Equal("0", (await redis.Direct.HashGetAsync(key, "first-write")).ToString());

        var conflict = await Assert.ThrowsAsync<FirstWriteConflictException>(() => store.SetAsync(Upsert(key, "2", concurrency: StateConcurrency.FirstWrite), CancellationToken.None));
        Assert.StartsWith($"failed to set key {key}: ", conflict.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<FirstWriteConflictException>(() => store.SetAsync(Upsert(key, "2") with { ConcurrencyRequested = true }, CancellationToken.None));
        await Assert.ThrowsAsync<FirstWriteConflictException>(() => store.SetAsync(Upsert(key, "2"), CancellationToken.None));
        await store.SetAsync(Upsert(key, "3", etag: "1"), CancellationToken.None);
        Assert.Equal("3", Encoding.UTF8.GetString((await store.GetAsync(key, NoMetadata, CancellationToken.None))!.Value));

        await store.DeleteAsync(new StateDelete(key, null, NoMetadata, StateConcurrency.LastWrite), CancellationToken.None);
        await store.SetAsync(Upsert(key, "4"), CancellationToken.None);
        Assert.False(await redis.Direct.HashExistsAsync(key, "first-write"));

        // A key a normal save created takes one first-write save without an ETag (and is marked from then on).
        await store.SetAsync(Upsert(plain, "1"), CancellationToken.None);
        await store.SetAsync(Upsert(plain, "2", concurrency: StateConcurrency.FirstWrite), CancellationToken.None);
        await Assert.ThrowsAsync<FirstWriteConflictException>(() => store.SetAsync(Upsert(plain, "3"), CancellationToken.None));
    }

    [Fact]
    public async Task Deletes_take_any_etag_for_a_missing_key_and_report_every_refusal_as_a_mismatch()
    {
        await using var store = await OpenAsync();
        var key = NewKey();
        await store.DeleteAsync(new StateDelete(NewKey(), "3", NoMetadata, StateConcurrency.LastWrite), CancellationToken.None);
        await store.SetAsync(Upsert(key, "1"), CancellationToken.None);

        await Assert.ThrowsAsync<ETagMismatchException>(() => store.DeleteAsync(new StateDelete(key, "2", NoMetadata, StateConcurrency.LastWrite), CancellationToken.None));
        await Assert.ThrowsAsync<ETagMismatchException>(() => store.DeleteAsync(new StateDelete(key, "bad", NoMetadata, StateConcurrency.LastWrite), CancellationToken.None));
        Assert.True(await redis.Direct.KeyExistsAsync(key));
        await store.DeleteAsync(new StateDelete(key, "1", NoMetadata, StateConcurrency.LastWrite), CancellationToken.None);
        Assert.False(await redis.Direct.KeyExistsAsync(key));
    }

    [Fact]
    public async Task Ttls_are_redis_expiries_a_save_without_one_keeps_the_key_expiry_and_minus_one_removes_it()
    {
        await using var store = await OpenAsync();
        var key = NewKey();
        await store.SetAsync(Upsert(key, "1", metadata: new() { ["ttlInSeconds"] = "300" }), CancellationToken.None);
        Assert.InRange((await redis.Direct.KeyTimeToLiveAsync(key))!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(300));

        await store.SetAsync(Upsert(key, "2"), CancellationToken.None);
        Assert.NotNull(await redis.Direct.KeyTimeToLiveAsync(key));

        await store.SetAsync(Upsert(key, "3", metadata: new() { ["ttlInSeconds"] = "-1" }), CancellationToken.None);
        Assert.Null(await redis.Direct.KeyTimeToLiveAsync(key));

        var error = await Assert.ThrowsAsync<FormatException>(() => store.SetAsync(Upsert(key, "4", metadata: new() { ["ttlInSeconds"] = "foo" }), CancellationToken.None));
        Assert.Contains("failed to parse ttl", error.Message, StringComparison.Ordinal);
        Assert.Equal("3", Encoding.UTF8.GetString((await store.GetAsync(key, NoMetadata, CancellationToken.None))!.Value));
    }

    [Fact]
    public async Task The_component_ttl_applies_to_saves_that_give_none()
    {
        await using var store = await OpenAsync(new() { ["ttlInSeconds"] = "120" });
        var (defaulted, forever) = (NewKey(), NewKey());
        await store.SetAsync(Upsert(defaulted, "1"), CancellationToken.None);
        await store.SetAsync(Upsert(forever, "1", metadata: new() { ["ttlInSeconds"] = "-1" }), CancellationToken.None);

        Assert.InRange((await redis.Direct.KeyTimeToLiveAsync(defaulted))!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(120));
        Assert.Null(await redis.Direct.KeyTimeToLiveAsync(forever));
    }

    [Fact]
    public async Task A_transaction_has_no_rollback_the_operations_around_a_failed_one_still_apply()
    {
        await using var store = await OpenAsync();
        var (created, removed, guarded) = (NewKey(), NewKey(), NewKey());
        await store.SetAsync(Upsert(removed, "\"doomed\""), CancellationToken.None);
        await store.SetAsync(Upsert(guarded, "\"before\""), CancellationToken.None);

        await Assert.ThrowsAnyAsync<Exception>(() => store.TransactAsync(
        [
            Upsert(created, "\"created\""),
            new StateDelete(removed, null, NoMetadata, StateConcurrency.LastWrite),
            Upsert(guarded, "\"after\"", etag: "9999999"),
        ], NoMetadata, CancellationToken.None));

        Assert.Equal("\"created\"", (await redis.Direct.HashGetAsync(created, "data")).ToString());
        Assert.False(await redis.Direct.KeyExistsAsync(removed));
        Assert.Equal("\"before\"", (await redis.Direct.HashGetAsync(guarded, "data")).ToString());
    }

    [Fact]
    public async Task A_transaction_operation_marked_as_json_fails_without_redisjson_as_in_daprd_and_the_others_apply()
    {
        await using var store = await OpenAsync();
        var (json, plain) = (NewKey(), NewKey());
        var error = await Assert.ThrowsAnyAsync<Exception>(() => store.TransactAsync(
            [Upsert(json, """{"a":1}""", metadata: new() { ["contentType"] = "application/json" }), Upsert(plain, "1")], NoMetadata, CancellationToken.None));

        Assert.Contains("Unknown Redis command called from script", error.Message, StringComparison.Ordinal);
        Assert.False(await redis.Direct.KeyExistsAsync(json));
        Assert.True(await redis.Direct.KeyExistsAsync(plain));

        // Outside transactions the JSON mark changes nothing on a server without RedisJSON.
        await store.SetAsync(Upsert(json, """{"a":1}""", metadata: new() { ["contentType"] = "application/json" }), CancellationToken.None);
        Assert.Equal("""{"a":1}""", (await redis.Direct.HashGetAsync(json, "data")).ToString());
    }

    [Fact]
    public async Task A_transaction_with_a_non_numeric_etag_or_ttl_sends_nothing()
    {
        await using var store = await OpenAsync();
        var (created, guarded) = (NewKey(), NewKey());
        await store.SetAsync(Upsert(guarded, "1"), CancellationToken.None);

        await Assert.ThrowsAsync<InvalidETagException>(() => store.TransactAsync(
            [Upsert(created, "1"), Upsert(guarded, "2", etag: "wrong")], NoMetadata, CancellationToken.None));
        await Assert.ThrowsAsync<FormatException>(() => store.TransactAsync(
            [Upsert(created, "1"), Upsert(guarded, "2", metadata: new() { ["ttlInSeconds"] = "soon" })], NoMetadata, CancellationToken.None));
        Assert.False(await redis.Direct.KeyExistsAsync(created));
    }

    [Fact]
    public async Task A_transaction_writes_in_order_with_ttls_and_ignores_first_write_as_daprd_does()
    {
        await using var store = await OpenAsync();
        var (key, brief) = (NewKey(), NewKey());
        await store.SetAsync(Upsert(key, "0"), CancellationToken.None);
        await store.TransactAsync(
        [
            Upsert(key, "1", concurrency: StateConcurrency.FirstWrite),
            Upsert(key, "2", etag: "2"),
            Upsert(brief, "1", metadata: new() { ["ttlInSeconds"] = "60" }),
        ], NoMetadata, CancellationToken.None);

        var item = await store.GetAsync(key, NoMetadata, CancellationToken.None);
        Assert.Equal(("2", "3"), (Encoding.UTF8.GetString(item!.Value), item.ETag));
        Assert.False(await redis.Direct.HashExistsAsync(key, "first-write"));
        Assert.NotNull(await redis.Direct.KeyTimeToLiveAsync(brief));
    }

    [Fact]
    public async Task Keys_are_listed_by_prefix_in_order_with_glob_characters_taken_literally()
    {
        await using var store = await OpenAsync();
        var prefix = $"{NewKey()}||wf*[1]?||";
        foreach (var key in new[] { $"{prefix}b", $"{prefix}a", $"{prefix[..^3]}x||c" })
        {
            await store.SetAsync(Upsert(key, "1"), CancellationToken.None);
        }

        Assert.Equal([$"{prefix}a", $"{prefix}b"], await store.KeysWithPrefixAsync(prefix, CancellationToken.None));
    }

    [Fact]
    public async Task Metadata_lists_daprds_features_for_redis_and_the_actor_store()
    {
        await using var store = await OpenAsync(new() { ["actorStateStore"] = "true" });
        Assert.Equal(["ETAG", "TRANSACTIONAL", "TTL", "KEYS_LIKE", "ACTOR"], store.Capabilities);
    }

    [Fact]
    public async Task RedisDB_selects_the_database()
    {
        await using var store = await OpenAsync(new() { ["redisDB"] = "3" });
        var key = NewKey();
        await store.SetAsync(Upsert(key, "1"), CancellationToken.None);
        Assert.False(await redis.Direct.KeyExistsAsync(key));
        Assert.True(await redis.Direct.Multiplexer.GetDatabase(3).KeyExistsAsync(key));
    }

    [Fact]
    public async Task A_password_protected_server_is_reached_with_redisPassword_and_refused_clearly_without_it()
    {
        RedisServer.Require();
        await using var server = await RedisServer.StartAsync();
        var password = $"pw-{Guid.NewGuid():N}";
        await using (var admin = await ConnectionMultiplexer.ConnectAsync($"{server.Host},allowAdmin=true"))
        {
            await admin.GetDatabase().ExecuteAsync("ACL", "SETUSER", "sidecar", "on", $">{password}", "~*", "+@all");
            await admin.GetDatabase().ExecuteAsync("CONFIG", "SET", "requirepass", password);
        }

        await using (var store = await OpenAsync(new() { ["redisHost"] = server.Host, ["redisUsername"] = "sidecar", ["redisPassword"] = password }))
        {
            await store.SetAsync(Upsert(NewKey(), "1"), CancellationToken.None);
        }

        await using (var legacy = await OpenAsync(new() { ["redisHost"] = server.Host, ["redisPassword"] = password }))
        {
            await legacy.SetAsync(Upsert(NewKey(), "1"), CancellationToken.None);
        }

        foreach (var refused in new Dictionary<string, string>[] { new() { ["redisUsername"] = "sidecar", ["redisPassword"] = "not-it" }, new() })
        {
            refused["redisHost"] = server.Host;
            refused["dialTimeout"] = "2s";
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => OpenAsync(refused));
            Assert.Contains("redisUsername / redisPassword", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("not-it", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_refused_user_is_a_start_error_even_where_the_default_user_needs_no_password()
    {
        var password = $"pw-{Guid.NewGuid():N}";
        await redis.Direct.ExecuteAsync("ACL", "SETUSER", "open-server-user", "on", $">{password}", "~*", "+@all");
        await using (var store = await OpenAsync(new() { ["redisUsername"] = "open-server-user", ["redisPassword"] = password }))
        {
            await store.SetAsync(Upsert(NewKey(), "1"), CancellationToken.None);
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => OpenAsync(new() { ["redisUsername"] = "open-server-user", ["redisPassword"] = "not-it" }));
        Assert.Contains("redisUsername / redisPassword", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("redisType", "cluster", "one Redis node")]
    [InlineData("failover", "true", "Sentinel")]
    [InlineData("useEntraID", "yes", "token authentication")]
    [InlineData("queryIndexes", """[{"name":"idx","indexes":[{"key":"a","type":"TEXT"}]}]""", "query API")]
    [InlineData("ttlInSeconds", "soon", "integer number of seconds")]
    [InlineData("redisDB", "first", "not an integer")]
    [InlineData("redisPort", "70000", "not a port number")]
    [InlineData("dialTimeout", "5 seconds", "duration")]
    [InlineData("redisMaxRetries", "many", "not an integer")]
    public async Task Metadata_that_cannot_be_honoured_is_refused_naming_the_field(string field, string value, string problem)
    {
        var error = await Assert.ThrowsAsync<ResourceException>(() => OpenAsync(new() { [field] = value }));
        Assert.Contains($"spec.metadata.{field}", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_the_server_does_not_have_is_a_start_error()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => OpenAsync(new() { ["redisDB"] = "99" }));
        Assert.StartsWith("redis store: error connecting to redis at 127.0.0.1:", error.Message, StringComparison.Ordinal);
        Assert.Contains("database does not exist on the server: 99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_and_port_follow_daprds_rules()
    {
        var missing = await Assert.ThrowsAsync<ResourceException>(() => StateStoreFactory.InitAsync(new RedisStateStore(), _dir.Path, new()));
        Assert.Contains("spec.metadata.redisHost", missing.Message, StringComparison.Ordinal);
        var several = await Assert.ThrowsAsync<ResourceException>(() => OpenAsync(new() { ["redisHost"] = "a:1,b:2" }));
        Assert.Contains("several hosts", several.Message, StringComparison.Ordinal);
        var conflicting = await Assert.ThrowsAsync<ResourceException>(() => OpenAsync(new() { ["redisPort"] = "1" }));
        Assert.Contains("already contains port", conflicting.Message, StringComparison.Ordinal);

        await using var separate = await OpenAsync(new() { ["redisHost"] = "127.0.0.1", ["redisPort"] = redis.Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await separate.SetAsync(Upsert(NewKey(), "1"), CancellationToken.None);
    }

    [Fact]
    public async Task Nothing_answering_is_a_start_error_saying_how_to_start_redis()
    {
        RedisServer.Require();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => OpenAsync(new() { ["redisHost"] = $"127.0.0.1:{FreePort.Next()}", ["dialTimeout"] = "1s" }));
        Assert.Contains("error connecting to redis at 127.0.0.1:", error.Message, StringComparison.Ordinal);
        Assert.Contains("redis-server", error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install redis-server", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnableTLS_on_is_honoured_a_plain_server_then_refuses_the_connection_clearly()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => OpenAsync(new() { ["enableTLS"] = "on", ["insecureSkipTLSVerify"] = "true", ["dialTimeout"] = "2s" }));
        Assert.Contains("over TLS (enableTLS is on", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnableTLS_talks_tls_to_a_tls_server_with_the_client_certificate_and_each_missing_piece_is_a_clear_start_error()
    {
        RedisServer.Require();
        await using var server = await RedisTlsServer.StartAsync();
        var tls = new Dictionary<string, string>
        {
            ["redisHost"] = server.Host,
            ["enableTLS"] = "true",
            ["insecureSkipTLSVerify"] = "true",
            ["clientCert"] = server.ClientCertificatePem,
            ["clientKey"] = server.ClientKeyPem,
            ["dialTimeout"] = "2s",
        };
        await using (var store = await OpenAsync(tls))
        {
            var key = NewKey();
            await store.SetAsync(Upsert(key, "\"over tls\""), CancellationToken.None);
            Assert.Equal("\"over tls\"", Encoding.UTF8.GetString((await store.GetAsync(key, NoMetadata, CancellationToken.None))!.Value));
        }

        foreach (var (missing, expected) in new[]
                 {
                     ("insecureSkipTLSVerify", "TLS"),   // the test CA is not trusted here: verification fails
                     ("clientCert", "TLS"),              // the server requires a client certificate
                     ("enableTLS", "no Redis server answered"),
                 })
        {
            var without = new Dictionary<string, string>(tls);
            without.Remove(missing);
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => OpenAsync(without));
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("redisUsername / redisPassword", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_strong_save_waits_for_the_replicas_the_server_had_at_start_and_other_saves_do_not()
    {
        RedisServer.Require();
        await using var primary = await RedisServer.StartAsync();
        var folder = Directory.CreateTempSubdirectory("sidecart-redis-replica-").FullName;
        using var replica = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("redis-server")
        {
            ArgumentList = { "--port", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--replicaof", "127.0.0.1", primary.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--dir", folder, "--save", "", "--appendonly", "no" },
            RedirectStandardOutput = true,
        })!;
        _ = replica.StandardOutput.ReadToEndAsync();
        try
        {
            await using var admin = await ConnectionMultiplexer.ConnectAsync($"{primary.Host},allowAdmin=true");
            var server = admin.GetServer(admin.GetEndPoints()[0]);
            await Eventually.UntilAsync(async () => (await admin.GetDatabase().ExecuteAsync("INFO", "replication")).ToString(),
                info => info.Contains("connected_slaves:1", StringComparison.Ordinal) && info.Contains("state=online", StringComparison.Ordinal),
                "the replica to be online", TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50));

            await using var store = await OpenAsync(new() { ["redisHost"] = primary.Host });
            await store.SetAsync(Upsert(NewKey(), "1") with { StrongConsistency = true }, CancellationToken.None);
            await store.SetAsync(Upsert(NewKey(), "2"), CancellationToken.None);

            var stats = (await admin.GetDatabase().ExecuteAsync("INFO", "commandstats")).ToString();
            Assert.Contains("cmdstat_wait:calls=1,", stats, StringComparison.Ordinal);
        }
        finally
        {
            replica.Kill();
            await replica.WaitForExitAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_redis_server_restarted_from_its_append_only_file_loses_no_acknowledged_write()
    {
        RedisServer.Require();
        await using var server = await RedisServer.StartAsync(appendOnly: true);
        await using var store = await OpenAsync(new() { ["redisHost"] = server.Host });
        var keys = Enumerable.Range(0, 200).Select(i => $"durable-{i}").ToList();
        await Task.WhenAll(keys.Select(key => store.SetAsync(Upsert(key, $"\"{key}\""), CancellationToken.None)));
        await store.TransactAsync([Upsert("durable-0", "\"updated\"", etag: "1"), new StateDelete("durable-1", null, NoMetadata, StateConcurrency.LastWrite)], NoMetadata, CancellationToken.None);

        await server.KillAsync();
        await server.RestartAsync();

        // The same store, reconnected: every acknowledged write is there, with its version.
        var first = await AfterReconnectAsync(() => store.GetAsync("durable-0", NoMetadata, CancellationToken.None));
        Assert.Equal(("\"updated\"", "2"), (Encoding.UTF8.GetString(first!.Value), first.ETag));
        Assert.Null(await store.GetAsync("durable-1", NoMetadata, CancellationToken.None));
        foreach (var key in keys.Skip(2))
        {
            var item = await store.GetAsync(key, NoMetadata, CancellationToken.None);
            Assert.Equal(($"\"{key}\"", "1"), (Encoding.UTF8.GetString(item!.Value), item.ETag));
        }
    }

    /// <summary>The client notices a dropped connection on its next use or heartbeat and reconnects by itself; until then
    /// a call fails with a connection error.</summary>
    private static async Task<T> AfterReconnectAsync<T>(Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private async Task<RedisStateStore> OpenAsync(Dictionary<string, string>? metadata = null)
    {
        var all = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["redisHost"] = redis.Server.Host };
        foreach (var (name, value) in metadata ?? [])
        {
            all[name] = value;
        }

        return await StateStoreFactory.InitAsync(new RedisStateStore(), _dir.Path, all);
    }

    private static string NewKey() => $"app||key-{Guid.NewGuid():N}";

    private static StateUpsert Upsert(string key, string json, string? etag = null, StateConcurrency concurrency = StateConcurrency.LastWrite, Dictionary<string, string>? metadata = null) =>
        new(key, Encoding.UTF8.GetBytes(json), etag, metadata ?? NoMetadata, concurrency);
}
