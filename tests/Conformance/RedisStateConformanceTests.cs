using System.Net;
using Conformance.Harness;
using StackExchange.Redis;

namespace Conformance;

/// <summary>The state API on <c>state.redis</c> where daprd's Redis store has rules of its own (redis-facts.md §1),
/// and the layout it leaves in Redis, read directly as a real daprd would read it: a hash of <c>data</c> and
/// <c>version</c> under <c>&lt;appId&gt;||&lt;key&gt;</c>, the version being the ETag.</summary>
public sealed class RedisStateConformanceTests(RedisStores redis) : IAsyncLifetime
{
    private const string Store = RedisStores.Store;
    private const string AppId = "conformance";
    private SidecarHarness _sidecar = null!;

    private HttpClient Client => _sidecar.Client;

    public async ValueTask InitializeAsync()
    {
        redis.Require();
        _sidecar = await SidecarHarness.StartAsync(appId: AppId, resourcesPaths: [SidecarHarness.ResourcesPath, redis.ResourcesPath!]);
    }

    public async ValueTask DisposeAsync()
    {
        if (_sidecar is not null)
        {
            await _sidecar.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_saved_value_is_a_hash_under_the_app_id_prefix_whose_version_is_the_etag()
    {
        var key = NewKey();
        await SaveOkAsync(Store, $$$"""[{"key":"{{{key}}}","value":{"sku":"HEADLAMP-400","qty":2}}]""");
        await SaveOkAsync(Store, $$$"""[{"key":"{{{key}}}","value":{"sku":"HEADLAMP-400","qty":3}}]""");

        var hash = (await redis.Direct.HashGetAllAsync($"{AppId}||{key}")).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
        Assert.Equal(new Dictionary<string, string> { ["data"] = """{"sku":"HEADLAMP-400","qty":3}""", ["version"] = "2" }, hash);
        Assert.Equal("2", await ETagAsync(Store, key));
        Assert.False(await redis.Direct.KeyExistsAsync(key));
    }

    [Theory]
    [InlineData("redisshared", "redisshared||")]
    [InlineData("redisraw", "")]
    [InlineData("rediscustom", RedisStores.CustomPrefix + "||")]
    public async Task Key_prefix_rules_decide_the_redis_key(string store, string prefix)
    {
        var key = NewKey();
        await SaveOkAsync(store, $$$"""[{"key":"{{{key}}}","value":"prefixed"}]""");
        Assert.Equal("\"prefixed\"", (await redis.Direct.HashGetAsync(prefix + key, "data")).ToString());

        using var bulk = await Client.PostAsync($"/v1.0/state/{store}/bulk", Json.Body($$$"""{"keys":["{{{key}}}"]}"""));
        var item = (await Json.ReadAsync(bulk)).AsArray().Single()!;
        Assert.Equal((key, "prefixed", "1"), (item["key"]!.GetValue<string>(), item["data"]!.GetValue<string>(), item["etag"]!.GetValue<string>()));
    }

    [Fact]
    public async Task What_a_real_daprd_stored_reads_back_with_its_version_as_the_etag_and_is_updated_in_place()
    {
        var key = NewKey();
        await redis.Direct.HashSetAsync($"{AppId}||{key}", [new("data", """{"from":"daprd"}"""), new("version", "41")]);

        using (var get = await Client.GetAsync($"/v1.0/state/{Store}/{key}"))
        {
            Assert.Equal("""{"from":"daprd"}""", await get.Content.ReadAsStringAsync());
            Assert.Equal("41", Header(get, "ETag"));
        }

        await SaveOkAsync(Store, $$$"""[{"key":"{{{key}}}","value":{"from":"local"},"etag":"41"}]""");
        Assert.Equal("42", (await redis.Direct.HashGetAsync($"{AppId}||{key}", "version")).ToString());
    }

    [Fact]
    public async Task An_etag_that_is_not_a_number_is_400_on_save_but_a_mismatch_on_delete()
    {
        var key = NewKey();
        await SaveOkAsync(Store, $$$"""[{"key":"{{{key}}}","value":"original"}]""");

        using (var save = await SaveAsync($$$"""[{"key":"{{{key}}}","value":"lost","etag":"not-a-number"}]"""))
        {
            Assert.Equal(HttpStatusCode.BadRequest, save.StatusCode);
            Assert.Equal("ERR_STATE_SAVE", await Json.ErrorCodeAsync(save));
        }

        using (var delete = await DeleteAsync(key, "not-a-number"))
        {
            Assert.Equal(HttpStatusCode.Conflict, delete.StatusCode);
            Assert.Equal("ERR_STATE_DELETE", await Json.ErrorCodeAsync(delete));
        }

        using (var wrongVersion = await SaveAsync($$$"""[{"key":"{{{key}}}","value":"lost","etag":"9999999"}]"""))
        {
            Assert.Equal(HttpStatusCode.Conflict, wrongVersion.StatusCode);
        }

        Assert.Equal("\"original\"", await GetTextAsync(key));
    }

    [Fact]
    public async Task A_missing_key_takes_any_etag_on_save_and_on_delete()
    {
        var (saved, deleted) = (NewKey(), NewKey());
        await SaveOkAsync(Store, $$$"""[{"key":"{{{saved}}}","value":"new","etag":"7"}]""");
        Assert.Equal("1", await ETagAsync(Store, saved));

        using var delete = await DeleteAsync(deleted, "7");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
    }

    [Fact]
    public async Task An_explicit_last_write_ignores_the_etag()
    {
        var key = NewKey();
        await SaveOkAsync(Store, $$$"""[{"key":"{{{key}}}","value":"original"}]""");
        await SaveOkAsync(Store, $$$"""[{"key":"{{{key}}}","value":"forced","etag":"9999999","options":{"concurrency":"last-write"}}]""");
        Assert.Equal("\"forced\"", await GetTextAsync(key));
    }

    [Fact]
    public async Task A_first_write_refusal_is_500_and_the_key_then_refuses_every_save_without_an_etag()
    {
        var key = NewKey();
        var firstWrite = $$$"""[{"key":"{{{key}}}","value":"%","options":{"concurrency":"first-write"}}]""";
        await SaveOkAsync(Store, firstWrite.Replace("%", "first", StringComparison.Ordinal));

        using (var conflict = await SaveAsync(firstWrite.Replace("%", "second", StringComparison.Ordinal)))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, conflict.StatusCode);
            Assert.Equal("ERR_STATE_SAVE", await Json.ErrorCodeAsync(conflict));
        }

        using (var lastWrite = await SaveAsync($$$"""[{"key":"{{{key}}}","value":"third","options":{"concurrency":"last-write"}}]"""))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, lastWrite.StatusCode);
        }

        Assert.Equal("\"first\"", await GetTextAsync(key));
        await SaveOkAsync(Store, $$$"""[{"key":"{{{key}}}","value":"fourth","etag":"1"}]""");
        Assert.Equal("\"fourth\"", await GetTextAsync(key));
        Assert.Equal("0", (await redis.Direct.HashGetAsync($"{AppId}||{key}", "first-write")).ToString());
    }

    [Fact]
    public async Task A_transaction_with_a_stale_version_is_500_but_its_other_operations_still_apply()
    {
        var (created, removed, guarded) = (NewKey(), NewKey(), NewKey());
        await SaveOkAsync(Store, $$$"""[{"key":"{{{removed}}}","value":"doomed"},{"key":"{{{guarded}}}","value":"before"}]""");

        using var response = await Client.PostAsync($"/v1.0/state/{Store}/transaction", Json.Body($$$"""
            {"operations":[
              {"operation":"upsert","request":{"key":"{{{created}}}","value":"applied anyway"}},
              {"operation":"delete","request":{"key":"{{{removed}}}"}},
              {"operation":"upsert","request":{"key":"{{{guarded}}}","value":"after","etag":"9999999"}}]}
            """));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("ERR_STATE_TRANSACTION", await Json.ErrorCodeAsync(response));

        Assert.Equal("\"applied anyway\"", await GetTextAsync(created));
        using var gone = await Client.GetAsync($"/v1.0/state/{Store}/{removed}");
        Assert.Equal(HttpStatusCode.NoContent, gone.StatusCode);
        Assert.Equal("\"before\"", await GetTextAsync(guarded));
    }

    [Fact]
    public async Task A_ttl_is_a_redis_expiry_not_reported_on_get()
    {
        var key = NewKey();
        await SaveOkAsync(Store, $$$"""[{"key":"{{{key}}}","value":"brief","metadata":{"ttlInSeconds":"100"}}]""");
        Assert.InRange((await redis.Direct.KeyTimeToLiveAsync($"{AppId}||{key}"))!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(100));

        using var response = await Client.GetAsync($"/v1.0/state/{Store}/{key}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(Header(response, "metadata.ttlExpireTime"));

        using (var bad = await SaveAsync($$$"""[{"key":"{{{key}}}","value":"x","metadata":{"ttlInSeconds":"foo"}}]"""))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, bad.StatusCode);
            Assert.Equal("ERR_STATE_SAVE", await Json.ErrorCodeAsync(bad));
        }
    }

    [Fact]
    public async Task Apps_sharing_a_redis_see_only_their_own_keys_under_the_default_prefix()
    {
        await using var other = await SidecarHarness.StartAsync(appId: "other-app", resourcesPaths: [SidecarHarness.ResourcesPath, redis.ResourcesPath!]);
        var key = NewKey();
        await SaveOkAsync(Store, $$$"""[{"key":"{{{key}}}","value":"mine"}]""");
        using (var theirs = await other.Client.PostAsync($"/v1.0/state/{Store}", Json.Body($$$"""[{"key":"{{{key}}}","value":"theirs"}]""")))
        {
            Assert.Equal(HttpStatusCode.NoContent, theirs.StatusCode);
        }

        Assert.Equal("\"mine\"", await GetTextAsync(key));
        Assert.Equal("\"theirs\"", (await redis.Direct.HashGetAsync($"other-app||{key}", "data")).ToString());
    }

    [Fact]
    public async Task The_password_can_come_from_a_secret_store_through_secretKeyRef()
    {
        await using var server = await Sidecart.Testing.RedisServer.StartAsync();
        var password = $"pw-{Guid.NewGuid():N}";
        await using (var admin = await ConnectionMultiplexer.ConnectAsync($"{server.Host},allowAdmin=true"))
        {
            await admin.GetDatabase().ExecuteAsync("CONFIG", "SET", "requirepass", password);
        }

        using var folder = new TempResources();
        folder.Write("redis-secrets.json", $$"""{"redis-password":"{{password}}"}""");
        folder.Write("redissecrets.yaml", $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: redissecrets
            spec:
              type: secretstores.local.file
              version: v1
              metadata:
              - name: secretsFile
                value: {Path.Combine(folder.Path, "redis-secrets.json")}
            """);
        folder.Write("lockedstore.yaml", $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: lockedstore
            spec:
              type: state.redis
              version: v1
              metadata:
              - name: redisHost
                value: {server.Host}
              - name: redisPassword
                secretKeyRef:
                  name: redis-password
                  key: redis-password
            auth:
              secretStore: redissecrets
            """);

        await using var sidecar = await SidecarHarness.StartAsync(appId: AppId, resourcesPaths: [folder.Path]);
        var key = NewKey();
        using (var save = await sidecar.Client.PostAsync("/v1.0/state/lockedstore", Json.Body($$$"""[{"key":"{{{key}}}","value":"behind a password"}]""")))
        {
            Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
        }

        await using var reader = await ConnectionMultiplexer.ConnectAsync($"{server.Host},password={password}");
        Assert.Equal("\"behind a password\"", (await reader.GetDatabase().HashGetAsync($"{AppId}||{key}", "data")).ToString());
    }

    [Theory]
    [InlineData("redisHost", "127.0.0.1:{port}", "no Redis server answered")]
    [InlineData("redisType", "cluster", "spec.metadata.redisType")]
    [InlineData("queryIndexes", "[]", "spec.metadata.queryIndexes")]
    public async Task A_sidecar_whose_redis_store_cannot_work_does_not_start_and_says_why(string field, string value, string problem)
    {
        using var folder = new TempResources();
        var host = field == "redisHost" ? value.Replace("{port}", Sidecart.Testing.FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal) : redis.Server.Host;
        folder.Write("broken.yaml", $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: broken
            spec:
              type: state.redis
              version: v1
              metadata:
              - name: redisHost
                value: "{host}"
            {(field == "redisHost" ? "" : $"  - name: {field}\n    value: '{value}'\n")}
            """);

        var error = await Assert.ThrowsAsync<LocalSidecar.Components.ResourceException>(() => SidecarHarness.StartAsync("broken-redis", resourcesPaths: [folder.Path]));
        Assert.Contains("broken.yaml", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        if (field == "redisHost")
        {
            Assert.Contains("apt-get install redis-server", error.Message, StringComparison.Ordinal);
        }
    }

    private static string NewKey() => $"key-{Guid.NewGuid():N}";

    private Task<HttpResponseMessage> SaveAsync(string json) => Client.PostAsync($"/v1.0/state/{Store}", Json.Body(json));

    private async Task SaveOkAsync(string store, string json)
    {
        using var response = await Client.PostAsync($"/v1.0/state/{store}", Json.Body(json));
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"save answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<string> GetTextAsync(string key)
    {
        using var response = await Client.GetAsync($"/v1.0/state/{Store}/{key}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<string> ETagAsync(string store, string key)
    {
        using var response = await Client.GetAsync($"/v1.0/state/{store}/{key}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Header(response, "ETag") ?? throw new InvalidOperationException("no ETag header");
    }

    private Task<HttpResponseMessage> DeleteAsync(string key, string etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, $"/v1.0/state/{Store}/{key}");
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return Client.SendAsync(request);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) ? values.ToString() : null;
}
