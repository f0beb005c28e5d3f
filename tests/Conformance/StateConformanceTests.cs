using System.Net;
using System.Text.Json.Nodes;
using Conformance.Harness;
using Xunit.v3;

namespace Conformance;

/// <summary>https://docs.dapr.io/reference/api/state_api/ (and the error shapes and <c>state.in-memory</c> of https://docs.dapr.io/reference/components-reference/supported-state-stores/), run against
/// the durable <c>statestore</c> (state.sqlite), <c>memorystore</c> (state.in-memory) and, where daprd's Redis store
/// behaves the same, <c>redisstore</c> (state.redis on a private redis-server, <see cref="RedisStores"/>; its own
/// rules are in <see cref="RedisStateConformanceTests"/>). SQLite and in-memory use random UUIDs as ETags, so any ETag
/// the app makes up is a mismatch (409), never an invalid ETag (400). Keys are unique per test because the sqlite file
/// outlives test runs.</summary>
public sealed class StateConformanceTests(RedisStores redis) : IAsyncLifetime
{
    private SidecarHarness _sidecar = null!;

    private HttpClient Client => _sidecar.Client;

    public async ValueTask InitializeAsync()
    {
        if (TestContext.Current.Test is IXunitTest { TestMethodArguments: var arguments } && arguments.Any(a => a is string store && RedisStores.IsRedis(store)))
        {
            redis.Require();
        }

        _sidecar = await SidecarHarness.StartAsync(resourcesPaths: redis.ResourcesPath is { } path ? [SidecarHarness.ResourcesPath, path] : null);
    }

    public async ValueTask DisposeAsync()
    {
        if (_sidecar is not null)
        {
            await _sidecar.DisposeAsync();
        }
    }

    /// <summary>Stores whose behaviour the test describes, daprd's Redis store included.</summary>
    public static TheoryData<string> Stores => new("statestore", "memorystore", RedisStores.Store);

    /// <summary>Stores with opaque ETags, a first-write refusal reported as a mismatch and atomic transactions: not Redis,
    /// whose version-number ETags and first-write marker are tested in <see cref="RedisStateConformanceTests"/>.</summary>
    public static TheoryData<string> OpaqueETagStores => new("statestore", "memorystore");

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Saved_values_come_back_as_their_json_with_strings_still_quoted(string store)
    {
        var (obj, text, number) = (NewKey(), NewKey(), NewKey());
        using var save = await SaveAsync(store, $$$"""
            [{"key":"{{{obj}}}","value":{"name":"Luke","ships":[1,2]}},
             {"key":"{{{text}}}","value":"DeathStar"},
             {"key":"{{{number}}}","value":42}]
            """);
        Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);

        using var getObject = await Client.GetAsync($"/v1.0/state/{store}/{obj}");
        Assert.Equal(HttpStatusCode.OK, getObject.StatusCode);
        Assert.Equal("application/json", getObject.Content.Headers.ContentType?.MediaType);
        var value = await Json.ReadAsync(getObject);
        Assert.Equal("Luke", value["name"]!.GetValue<string>());
        Assert.Equal(2, value["ships"]!.AsArray().Count);

        Assert.Equal("\"DeathStar\"", await GetTextAsync(store, text));
        Assert.Equal("42", await GetTextAsync(store, number));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Put_saves_like_post(string store)
    {
        var key = NewKey();
        using var save = await Client.PutAsync($"/v1.0/state/{store}", Json.Body($$$"""[{"key":"{{{key}}}","value":"put"}]"""));
        Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
        Assert.Equal("\"put\"", await GetTextAsync(store, key));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Get_carries_an_etag_header_that_changes_on_every_write(string store)
    {
        var key = NewKey();
        await SaveOkAsync(store, $$$"""[{"key":"{{{key}}}","value":1}]""");
        var first = await ETagAsync(store, key);
        await SaveOkAsync(store, $$$"""[{"key":"{{{key}}}","value":2}]""");
        var second = await ETagAsync(store, key);
        Assert.False(string.IsNullOrEmpty(first));
        Assert.False(string.IsNullOrEmpty(second));
        Assert.NotEqual(first, second);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Get_of_a_missing_key_is_204_with_an_empty_body(string store)
    {
        using var response = await Client.GetAsync($"/v1.0/state/{store}/{NewKey()}?consistency=strong");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_key_with_an_escaped_slash_in_the_path_is_the_key_with_a_slash(string store)
    {
        var key = $"orders/{NewKey()}";
        await SaveOkAsync(store, $$$"""[{"key":"{{{key}}}","value":"slash"}]""");
        Assert.Equal("\"slash\"", await GetTextAsync(store, Uri.EscapeDataString(key)));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_plus_in_the_path_is_a_space_in_the_key(string store)
    {
        var key = NewKey();
        await SaveOkAsync(store, $$$"""[{"key":"{{{key}}} x","value":"spaced"}]""");
        Assert.Equal("\"spaced\"", await GetTextAsync(store, $"{key}+x"));
        using (var deleted = await DeleteAsync(store, $"{key}+x", etag: null))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using var gone = await Client.GetAsync($"/v1.0/state/{store}/{key}%20x");
        Assert.Equal(HttpStatusCode.NoContent, gone.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Get_answers_with_the_content_type_asked_for_in_metadata(string store)
    {
        var key = NewKey();
        await SaveOkAsync(store, $$$"""[{"key":"{{{key}}}","value":"text"}]""");
        using var response = await Client.GetAsync($"/v1.0/state/{store}/{key}?metadata.contentType=text/plain");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Bulk_get_answers_in_request_order_with_data_and_missing_keys_as_key_only(string store)
    {
        var (a, missing, b) = (NewKey(), NewKey(), NewKey());
        await SaveOkAsync(store, $$$"""[{"key":"{{{a}}}","value":{"n":1}},{"key":"{{{b}}}","value":"two"}]""");

        using var response = await Client.PostAsync($"/v1.0/state/{store}/bulk", Json.Body($$$"""{"keys":["{{{a}}}","{{{missing}}}","{{{b}}}"],"parallelism":2}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = (await Json.ReadAsync(response)).AsArray();
        Assert.Equal([a, missing, b], items.Select(i => i!["key"]!.GetValue<string>()));
        Assert.Equal(1, items[0]!["data"]!["n"]!.GetValue<int>());
        Assert.Equal(await ETagAsync(store, a), items[0]!["etag"]!.GetValue<string>());
        Assert.Null(items[0]!["value"]);
        Assert.Equal(["key"], items[1]!.AsObject().Select(p => p.Key));
        Assert.Equal("two", items[2]!["data"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Bulk_get_with_no_keys_is_an_empty_array(string store)
    {
        using var response = await Client.PutAsync($"/v1.0/state/{store}/bulk", Json.Body("""{"keys":[]}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty((await Json.ReadAsync(response)).AsArray());
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Delete_with_a_stale_if_match_is_409_and_with_the_current_one_is_204(string store)
    {
        var key = NewKey();
        await SaveOkAsync(store, $$$"""[{"key":"{{{key}}}","value":1}]""");
        var stale = await ETagAsync(store, key);
        await SaveOkAsync(store, $$$"""[{"key":"{{{key}}}","value":2}]""");

        using (var conflict = await DeleteAsync(store, key, stale))
        {
            Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
            Assert.Equal("ERR_STATE_DELETE", await Json.ErrorCodeAsync(conflict));
        }

        Assert.Equal("2", await GetTextAsync(store, key));
        using (var deleted = await DeleteAsync(store, key, await ETagAsync(store, key)))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using var gone = await Client.GetAsync($"/v1.0/state/{store}/{key}");
        Assert.Equal(HttpStatusCode.NoContent, gone.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Delete_without_an_etag_is_204_even_for_a_missing_key(string store)
    {
        var key = NewKey();
        await SaveOkAsync(store, $$$"""[{"key":"{{{key}}}","value":1}]""");
        using (var deleted = await DeleteAsync(store, key, etag: null))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using var again = await DeleteAsync(store, key, etag: "");
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
    }

    [Theory]
    [MemberData(nameof(OpaqueETagStores))]
    public async Task Delete_of_a_missing_key_with_an_etag_is_409(string store)
    {
        using var response = await DeleteAsync(store, NewKey(), Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("ERR_STATE_DELETE", await Json.ErrorCodeAsync(response));
    }

    [Theory]
    [MemberData(nameof(OpaqueETagStores))]
    public async Task Save_with_a_wrong_etag_is_409_ERR_STATE_SAVE_and_keeps_the_value(string store)
    {
        var key = NewKey();
        await SaveOkAsync(store, $$$"""[{"key":"{{{key}}}","value":"original"}]""");

        using var conflict = await SaveAsync(store, $$$"""[{"key":"{{{key}}}","value":"lost","etag":"not-the-etag"}]""");
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("ERR_STATE_SAVE", await Json.ErrorCodeAsync(conflict));
        Assert.Equal("\"original\"", await GetTextAsync(store, key));

        var etag = await ETagAsync(store, key);
        await SaveOkAsync(store, $$$"""[{"key":"{{{key}}}","value":"updated","etag":"{{{etag}}}"}]""");
        Assert.Equal("\"updated\"", await GetTextAsync(store, key));
        Assert.NotEqual(etag, await ETagAsync(store, key));
    }

    [Theory]
    [MemberData(nameof(OpaqueETagStores))]
    public async Task Save_with_an_etag_for_a_missing_key_is_409(string store)
    {
        using var response = await SaveAsync(store, $$$"""[{"key":"{{{NewKey()}}}","value":1,"etag":"{{{Guid.NewGuid()}}}"}]""");
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(OpaqueETagStores))]
    public async Task First_write_without_an_etag_fails_when_the_key_exists_but_last_write_overwrites(string store)
    {
        var key = NewKey();
        var firstWrite = $$$"""[{"key":"{{{key}}}","value":"%","options":{"concurrency":"first-write","consistency":"strong"}}]""";
        await SaveOkAsync(store, firstWrite.Replace("%", "first", StringComparison.Ordinal));

        using (var conflict = await SaveAsync(store, firstWrite.Replace("%", "second", StringComparison.Ordinal)))
        {
            Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
            Assert.Equal("ERR_STATE_SAVE", await Json.ErrorCodeAsync(conflict));
        }

        Assert.Equal("\"first\"", await GetTextAsync(store, key));
        await SaveOkAsync(store, $$$"""[{"key":"{{{key}}}","value":"third","options":{"concurrency":"last-write"}}]""");
        Assert.Equal("\"third\"", await GetTextAsync(store, key));

        var etag = await ETagAsync(store, key);
        await SaveOkAsync(store, $$$"""[{"key":"{{{key}}}","value":"fourth","etag":"{{{etag}}}","options":{"concurrency":"first-write"}}]""");
        Assert.Equal("\"fourth\"", await GetTextAsync(store, key));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task An_unknown_concurrency_option_is_rejected_with_500(string store)
    {
        using var response = await SaveAsync(store, $$$"""[{"key":"{{{NewKey()}}}","value":1,"options":{"concurrency":"whenever"}}]""");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("ERR_STATE_SAVE", await Json.ErrorCodeAsync(response));
        using var delete = await Client.DeleteAsync($"/v1.0/state/{store}/{NewKey()}?concurrency=whenever");
        Assert.Equal(HttpStatusCode.InternalServerError, delete.StatusCode);
        Assert.Equal("ERR_STATE_DELETE", await Json.ErrorCodeAsync(delete));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_transaction_applies_its_upserts_and_deletes(string store)
    {
        var (kept, created, removed) = (NewKey(), NewKey(), NewKey());
        await SaveOkAsync(store, $$$"""[{"key":"{{{kept}}}","value":"old"},{"key":"{{{removed}}}","value":"doomed"}]""");
        var etag = await ETagAsync(store, kept);

        using var response = await Client.PostAsync($"/v1.0/state/{store}/transaction", Json.Body($$$"""
            {"operations":[
              {"operation":"upsert","request":{"key":"{{{kept}}}","value":"new","etag":"{{{etag}}}"}},
              {"operation":"upsert","request":{"key":"{{{created}}}","value":{"x":1} }},
              {"operation":"delete","request":{"key":"{{{removed}}}"}}],
             "metadata":{"partitionKey":"p1"}}
            """));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("\"new\"", await GetTextAsync(store, kept));
        Assert.Equal("""{"x":1}""", await GetTextAsync(store, created));
        using var gone = await Client.GetAsync($"/v1.0/state/{store}/{removed}");
        Assert.Equal(HttpStatusCode.NoContent, gone.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_transaction_with_one_wrong_etag_is_500_ERR_STATE_TRANSACTION_and_applies_nothing(string store)
    {
        var (existing, created, removed) = (NewKey(), NewKey(), NewKey());
        await SaveOkAsync(store, $$$"""[{"key":"{{{existing}}}","value":"before"},{"key":"{{{removed}}}","value":"stays"}]""");

        using var response = await Client.PutAsync($"/v1.0/state/{store}/transaction", Json.Body($$$"""
            {"operations":[
              {"operation":"upsert","request":{"key":"{{{created}}}","value":"should not exist"}},
              {"operation":"delete","request":{"key":"{{{removed}}}"}},
              {"operation":"upsert","request":{"key":"{{{existing}}}","value":"after","etag":"wrong"}}]}
            """));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("ERR_STATE_TRANSACTION", await Json.ErrorCodeAsync(response));

        using var notCreated = await Client.GetAsync($"/v1.0/state/{store}/{created}");
        Assert.Equal(HttpStatusCode.NoContent, notCreated.StatusCode);
        Assert.Equal("\"stays\"", await GetTextAsync(store, removed));
        Assert.Equal("\"before\"", await GetTextAsync(store, existing));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_transaction_operation_other_than_upsert_or_delete_is_400(string store)
    {
        var key = NewKey();
        using var response = await Client.PostAsync($"/v1.0/state/{store}/transaction", Json.Body($$$"""
            {"operations":[{"operation":"upsert","request":{"key":"{{{key}}}","value":1}},
                           {"operation":"increment","request":{"key":"{{{key}}}"}}]}
            """));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ERR_NOT_SUPPORTED_STATE_OPERATION", await Json.ErrorCodeAsync(response));
        using var notApplied = await Client.GetAsync($"/v1.0/state/{store}/{key}");
        Assert.Equal(HttpStatusCode.NoContent, notApplied.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_transaction_without_operations_is_204(string store)
    {
        using var response = await Client.PostAsync($"/v1.0/state/{store}/transaction", Json.Body("""{"operations":[]}"""));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(OpaqueETagStores))]
    public async Task A_key_saved_with_ttlInSeconds_reports_its_expiry_and_then_disappears(string store)
    {
        var key = NewKey();
        var before = DateTimeOffset.UtcNow;
        await SaveOkAsync(store, $$$"""[{"key":"{{{key}}}","value":"brief","metadata":{"ttlInSeconds":"1"}}]""");

        using (var response = await Client.GetAsync($"/v1.0/state/{store}/{key}"))
        {
            // A slow machine may already have expired it; the header is only checked while the key is there.
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var expireTime = DateTimeOffset.Parse(Header(response, "metadata.ttlExpireTime")!, System.Globalization.CultureInfo.InvariantCulture);
                Assert.InRange(expireTime, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(2));
            }
        }

        await WaitUntilGoneAsync(store, key);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Query_metadata_overrides_item_metadata(string store)
    {
        var key = NewKey();
        await SaveOkAsync(store, $$$"""[{"key":"{{{key}}}","value":"brief","metadata":{"ttlInSeconds":"3600"}}]""", "?metadata.ttlInSeconds=1");
        await WaitUntilGoneAsync(store, key);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_key_without_a_ttl_has_no_expiry_header(string store)
    {
        var key = NewKey();
        await SaveOkAsync(store, $$$"""[{"key":"{{{key}}}","value":1,"metadata":{"ttlInSeconds":"-1"}}]""");
        using var response = await Client.GetAsync($"/v1.0/state/{store}/{key}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(Header(response, "metadata.ttlExpireTime"));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_key_containing_a_double_pipe_is_400_ERR_MALFORMED_REQUEST_with_reason_DAPR_STATE_ILLEGAL_KEY(string store)
    {
        using var save = await SaveAsync(store, """[{"key":"a||b","value":1}]""");
        await AssertIllegalKeyAsync(save);
        using var get = await Client.GetAsync($"/v1.0/state/{store}/a||b");
        await AssertIllegalKeyAsync(get);
        using var delete = await DeleteAsync(store, "a||b", etag: null);
        await AssertIllegalKeyAsync(delete);
        using var bulk = await Client.PostAsync($"/v1.0/state/{store}/bulk", Json.Body("""{"keys":["ok","a||b"]}"""));
        await AssertIllegalKeyAsync(bulk);
        using var transaction = await Client.PostAsync($"/v1.0/state/{store}/transaction",
            Json.Body("""{"operations":[{"operation":"delete","request":{"key":"a||b"}}]}"""));
        await AssertIllegalKeyAsync(transaction);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Malformed_save_bodies_are_400_ERR_MALFORMED_REQUEST(string store)
    {
        foreach (var body in new[] { "[{\"key\":", "{\"key\":\"k\",\"value\":1}", "[{\"value\":1}]", "[{\"key\":\"\",\"value\":1}]", "[{\"key\":7,\"value\":1}]" })
        {
            using var response = await SaveAsync(store, body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("ERR_MALFORMED_REQUEST", await Json.ErrorCodeAsync(response));
        }
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Malformed_bulk_and_transaction_bodies_are_400_ERR_MALFORMED_REQUEST(string store)
    {
        foreach (var (route, body) in new[] { ("bulk", "{\"keys\":"), ("bulk", "{\"keys\":\"k\"}"), ("transaction", "[]"), ("transaction", "{\"operations\":[{\"operation\":\"upsert\",\"request\":{\"value\":1}}]}") })
        {
            using var response = await Client.PostAsync($"/v1.0/state/{store}/{route}", Json.Body(body));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("ERR_MALFORMED_REQUEST", await Json.ErrorCodeAsync(response));
        }
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Saving_an_empty_array_is_a_204_no_op(string store)
    {
        using var response = await SaveAsync(store, "[]");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_store_is_400_ERR_STATE_STORE_NOT_FOUND_with_reason_DAPR_STATE_NOT_FOUND()
    {
        using var get = await Client.GetAsync("/v1.0/state/nostore/key");
        Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
        var body = await Json.ReadAsync(get);
        Assert.Equal("ERR_STATE_STORE_NOT_FOUND", body["errorCode"]!.GetValue<string>());
        Assert.Contains(body["details"]!.AsArray(), d => d!["reason"]?.GetValue<string>() == "DAPR_STATE_NOT_FOUND");

        using var save = await SaveAsync("nostore", "[]");
        Assert.Equal(HttpStatusCode.BadRequest, save.StatusCode);
        Assert.Equal("ERR_STATE_STORE_NOT_FOUND", await Json.ErrorCodeAsync(save));

        using var secretStoreAsStateStore = await Client.GetAsync("/v1.0/state/secretstore/key");
        Assert.Equal(HttpStatusCode.BadRequest, secretStoreAsStateStore.StatusCode);
    }

    [Fact]
    public async Task Without_any_state_store_every_state_route_is_500_ERR_STATE_STORE_NOT_CONFIGURED()
    {
        SidecarHarness.RequireInProcess();
        var empty = Directory.CreateTempSubdirectory("sidecart-no-components").FullName;
        try
        {
            await using var bare = await SidecarHarness.StartAsync(resourcesPaths: [empty]);
            using var get = await bare.Client.GetAsync("/v1.0/state/statestore/key");
            using var transaction = await bare.Client.PostAsync("/v1.0/state/statestore/transaction", Json.Body("{}"));
            foreach (var response in new[] { get, transaction })
            {
                Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
                Assert.Equal("ERR_STATE_STORE_NOT_CONFIGURED", await Json.ErrorCodeAsync(response));
            }
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public async Task Metadata_lists_state_store_capabilities_and_the_actor_state_store()
    {
        using var response = await Client.GetAsync("/v1.0/metadata");
        var components = (await Json.ReadAsync(response))["components"]!.AsArray();
        string[] Capabilities(string name) =>
            components.Single(c => c!["name"]!.GetValue<string>() == name)!["capabilities"]!.AsArray().Select(c => c!.GetValue<string>()).ToArray();

        Assert.Equal(["ETAG", "TRANSACTIONAL", "TTL", "ACTOR"], Capabilities("statestore"));
        Assert.Equal(["ETAG", "TRANSACTIONAL", "TTL"], Capabilities("memorystore"));
        if (redis.ResourcesPath is not null)
        {
            Assert.Equal(["ETAG", "TRANSACTIONAL", "TTL", "KEYS_LIKE"], Capabilities(RedisStores.Store));
        }
    }

    [Fact]
    public async Task Apps_sharing_a_sqlite_file_see_only_their_own_keys_under_the_default_appid_prefix()
    {
        SidecarHarness.RequireInProcess();
        await using var other = await SidecarHarness.StartAsync(appId: "other-app");
        var key = NewKey();
        await SaveOkAsync("statestore", $$$"""[{"key":"{{{key}}}","value":"mine"}]""");
        using (var otherSave = await other.Client.PostAsync("/v1.0/state/statestore", Json.Body($$$"""[{"key":"{{{key}}}","value":"theirs"}]""")))
        {
            Assert.Equal(HttpStatusCode.NoContent, otherSave.StatusCode);
        }

        Assert.Equal("\"mine\"", await GetTextAsync("statestore", key));
        using var theirs = await other.Client.GetAsync($"/v1.0/state/statestore/{key}");
        Assert.Equal("\"theirs\"", await theirs.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Key_prefix_name_shares_keys_between_apps_and_none_stores_them_raw()
    {
        SidecarHarness.RequireInProcess();
        await using var other = await SidecarHarness.StartAsync(appId: "other-app");
        var (shared, raw) = (NewKey(), NewKey());
        await SaveOkAsync("sharedstore", $$$"""[{"key":"{{{shared}}}","value":"shared"}]""");
        await SaveOkAsync("rawstore", $$$"""[{"key":"{{{raw}}}","value":"raw"}]""");

        using (var fromOtherApp = await other.Client.GetAsync($"/v1.0/state/sharedstore/{shared}"))
        {
            Assert.Equal("\"shared\"", await fromOtherApp.Content.ReadAsStringAsync());
        }

        using (var rawFromOtherApp = await other.Client.GetAsync($"/v1.0/state/rawstore/{raw}"))
        {
            Assert.Equal("\"raw\"", await rawFromOtherApp.Content.ReadAsStringAsync());
        }

        // Same table, different prefixes: the raw key is not the "sharedstore||" key, nor the app's own key.
        foreach (var store in new[] { "sharedstore", "statestore" })
        {
            using var response = await Client.GetAsync($"/v1.0/state/{store}/{raw}");
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        using var bulk = await other.Client.PostAsync("/v1.0/state/sharedstore/bulk", Json.Body($$$"""{"keys":["{{{shared}}}"]}"""));
        var item = (await Json.ReadAsync(bulk)).AsArray().Single()!;
        Assert.Equal(shared, item["key"]!.GetValue<string>());
        Assert.Equal("shared", item["data"]!.GetValue<string>());
    }

    [Fact]
    public async Task Sqlite_state_survives_a_sidecar_restart()
    {
        SidecarHarness.RequireInProcess();
        var key = NewKey();
        await using (var first = await SidecarHarness.StartAsync(appId: "restarting-app"))
        {
            using var save = await first.Client.PostAsync("/v1.0/state/statestore", Json.Body($$$"""[{"key":"{{{key}}}","value":"durable"}]"""));
            Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
        }

        await using var second = await SidecarHarness.StartAsync(appId: "restarting-app");
        using var get = await second.Client.GetAsync($"/v1.0/state/statestore/{key}");
        Assert.Equal("\"durable\"", await get.Content.ReadAsStringAsync());
    }

    private static string NewKey() => $"key-{Guid.NewGuid():N}";

    private Task<HttpResponseMessage> SaveAsync(string store, string json, string query = "") =>
        Client.PostAsync($"/v1.0/state/{store}{query}", Json.Body(json));

    private async Task SaveOkAsync(string store, string json, string query = "")
    {
        using var response = await SaveAsync(store, json, query);
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"save answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<string> GetTextAsync(string store, string key)
    {
        using var response = await Client.GetAsync($"/v1.0/state/{store}/{key}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<string> ETagAsync(string store, string key)
    {
        using var response = await Client.GetAsync($"/v1.0/state/{store}/{key}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Header(response, "ETag") ?? throw new InvalidOperationException("no ETag header");
    }

    private Task<HttpResponseMessage> DeleteAsync(string store, string key, string? etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, $"/v1.0/state/{store}/{key}");
        if (etag is not null)
        {
            // Dapr ETags are bare strings, not the quoted entity tags HttpClient would insist on.
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        return Client.SendAsync(request);
    }

    private async Task WaitUntilGoneAsync(string store, string key)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            using var response = await Client.GetAsync($"/v1.0/state/{store}/{key}");
            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                return;
            }

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(DateTime.UtcNow < deadline, $"{key} in {store} did not expire");
            await Task.Delay(100);
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) ? values.ToString() : null;

    private static async Task AssertIllegalKeyAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await Json.ReadAsync(response);
        Assert.Equal("ERR_MALFORMED_REQUEST", body["errorCode"]!.GetValue<string>());
        var details = body["details"]!.AsArray();
        Assert.Contains(details, d => d!["reason"]?.GetValue<string>() == "DAPR_STATE_ILLEGAL_KEY");
        Assert.Contains(details, d => d!["@type"]?.GetValue<string>() == "type.googleapis.com/google.rpc.BadRequest");
    }
}
