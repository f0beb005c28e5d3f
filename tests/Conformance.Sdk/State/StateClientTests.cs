using Conformance.Sdk.Harness;
using Dapr;
using Dapr.Client;
using Grpc.Core;

namespace Conformance.Sdk.State;

/// <summary>The state API through <see cref="DaprClient"/> (gRPC), as https://docs.dapr.io/reference/api/state_api/
/// and dapr/dapr pkg/api/grpc/grpc.go describe it, on <c>state.sqlite</c> and, where daprd's Redis store behaves the same,
/// on <c>state.redis</c> (<see cref="RedisProfile"/>); Redis's own answers are at the end.</summary>
public sealed class StateClientTests(RedisProfile redis)
{
    private const string Store = "statestore";

    private sealed record Order(string Id, int Quantity);

    private static string Key() => "k-" + Guid.NewGuid().ToString("N");

    [Theory]
    [MemberData(nameof(RedisProfile.Profiles), MemberType = typeof(RedisProfile))]
    public async Task A_saved_value_is_read_back_with_an_etag_and_a_missing_key_is_default_with_an_empty_etag(string profile)
    {
        await using var sidecar = await SdkSidecar.StartAsync(configure: redis.Configure(profile));
        using var client = sidecar.CreateClient();
        var key = Key();

        await client.SaveStateAsync(Store, key, new Order("o-1", 3), new StateOptions { Consistency = ConsistencyMode.Strong });
        var (value, etag) = await client.GetStateAndETagAsync<Order>(Store, key);
        Assert.Equal(new Order("o-1", 3), value);
        Assert.False(string.IsNullOrEmpty(etag));

        var (missing, missingEtag) = await client.GetStateAndETagAsync<Order>(Store, Key());
        Assert.Null(missing);
        Assert.Equal("", missingEtag);
    }

    [Theory]
    [MemberData(nameof(RedisProfile.Profiles), MemberType = typeof(RedisProfile))]
    public async Task A_value_saved_over_gRPC_reads_the_same_over_HTTP_and_the_other_way_round(string profile)
    {
        await using var sidecar = await SdkSidecar.StartAsync(configure: redis.Configure(profile));
        using var client = sidecar.CreateClient();
        using var http = new HttpClient { BaseAddress = sidecar.HttpEndpoint };
        if (sidecar.ApiToken is { } token)
        {
            http.DefaultRequestHeaders.Add("dapr-api-token", token);
        }

        var (viaGrpc, viaHttp) = (Key(), Key());
        await client.SaveStateAsync(Store, viaGrpc, new Order("o-g", 4));
        Assert.Equal("""{"id":"o-g","quantity":4}""", await http.GetStringAsync($"/v1.0/state/{Store}/{viaGrpc}"));

        using var saved = await http.PostAsync($"/v1.0/state/{Store}", new StringContent($$$"""[{"key":"{{{viaHttp}}}","value":{"id":"o-h","quantity":5}}]""", System.Text.Encoding.UTF8, "application/json"));
        saved.EnsureSuccessStatusCode();
        Assert.Equal(new Order("o-h", 5), await client.GetStateAsync<Order>(Store, viaHttp));
    }

    [Theory]
    [MemberData(nameof(RedisProfile.Profiles), MemberType = typeof(RedisProfile))]
    public async Task TrySave_with_a_stale_etag_is_false_and_with_the_current_one_is_true(string profile)
    {
        await using var sidecar = await SdkSidecar.StartAsync(configure: redis.Configure(profile));
        using var client = sidecar.CreateClient();
        var key = Key();
        await client.SaveStateAsync(Store, key, new Order("o-1", 1));
        var (_, first) = await client.GetStateAndETagAsync<Order>(Store, key);
        await client.SaveStateAsync(Store, key, new Order("o-1", 2));

        Assert.False(await client.TrySaveStateAsync(Store, key, new Order("o-1", 9), first));
        var (_, current) = await client.GetStateAndETagAsync<Order>(Store, key);
        Assert.True(await client.TrySaveStateAsync(Store, key, new Order("o-1", 3), current));
        Assert.Equal(3, (await client.GetStateAsync<Order>(Store, key)).Quantity);
    }

    [Fact]
    public async Task First_write_without_an_etag_on_an_existing_key_fails_with_Aborted()
    {
        await using var sidecar = await SdkSidecar.StartAsync();
        using var client = sidecar.CreateClient();
        var key = Key();
        var firstWrite = new StateOptions { Concurrency = ConcurrencyMode.FirstWrite };
        await client.SaveStateAsync(Store, key, new Order("o-1", 1), firstWrite);

        var e = await Assert.ThrowsAsync<DaprException>(() => client.SaveStateAsync(Store, key, new Order("o-1", 2), firstWrite));
        var rpc = RpcErrors.Inner(e);
        Assert.Equal(StatusCode.Aborted, rpc.StatusCode);
        Assert.StartsWith($"failed saving state in state store {Store}: possible etag mismatch", rpc.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("ERR_STATE_SAVE", RpcErrors.ErrorInfo(rpc)?.Reason);
        Assert.Equal(1, (await client.GetStateAsync<Order>(Store, key)).Quantity);
    }

    [Theory]
    [MemberData(nameof(RedisProfile.Profiles), MemberType = typeof(RedisProfile))]
    public async Task TryDelete_with_a_stale_etag_is_false_then_delete_and_bulk_delete_remove_keys(string profile)
    {
        await using var sidecar = await SdkSidecar.StartAsync(configure: redis.Configure(profile));
        using var client = sidecar.CreateClient();
        var (a, b, c) = (Key(), Key(), Key());
        foreach (var key in new[] { a, b, c })
        {
            await client.SaveStateAsync(Store, key, new Order(key, 1));
        }

        var (_, stale) = await client.GetStateAndETagAsync<Order>(Store, a);
        await client.SaveStateAsync(Store, a, new Order(a, 2));
        Assert.False(await client.TryDeleteStateAsync(Store, a, stale));
        Assert.NotNull(await client.GetStateAsync<Order>(Store, a));

        await client.DeleteStateAsync(Store, a);
        await client.DeleteBulkStateAsync(Store, [new BulkDeleteStateItem(b, null!), new BulkDeleteStateItem(c, null!)]);
        foreach (var key in new[] { a, b, c })
        {
            Assert.Null(await client.GetStateAsync<Order>(Store, key));
        }

        await client.DeleteStateAsync(Store, Key());
    }

    [Theory]
    [MemberData(nameof(RedisProfile.Profiles), MemberType = typeof(RedisProfile))]
    public async Task Bulk_get_answers_every_key_and_bulk_save_with_a_stale_etag_fails_with_Aborted(string profile)
    {
        await using var sidecar = await SdkSidecar.StartAsync(configure: redis.Configure(profile));
        using var client = sidecar.CreateClient();
        var (present, missing) = (Key(), Key());
        await client.SaveStateAsync(Store, present, new Order(present, 5));

        var items = await client.GetBulkStateAsync<Order>(Store, [present, missing], parallelism: 2);
        Assert.Equal(5, Assert.Single(items, i => i.Key == present).Value.Quantity);
        var absent = Assert.Single(items, i => i.Key == missing);
        Assert.Null(absent.Value);
        Assert.Equal("", absent.ETag);

        var e = await Assert.ThrowsAsync<DaprException>(() => client.SaveBulkStateAsync(Store, new List<SaveStateItem<Order>>
        {
            new(Key(), new Order("new", 1), null!),
            new(present, new Order(present, 6), "999999"),
        }));
        Assert.Equal(StatusCode.Aborted, RpcErrors.Inner(e).StatusCode);
    }

    [Theory]
    [MemberData(nameof(RedisProfile.Profiles), MemberType = typeof(RedisProfile))]
    public async Task A_transaction_applies_upserts_and_deletes_and_a_stale_etag_fails_it_as_Internal(string profile)
    {
        await using var sidecar = await SdkSidecar.StartAsync(configure: redis.Configure(profile));
        using var client = sidecar.CreateClient();
        var (upserted, deleted) = (Key(), Key());
        await client.SaveStateAsync(Store, deleted, new Order(deleted, 1));

        await client.ExecuteStateTransactionAsync(Store,
        [
            new StateTransactionRequest(upserted, System.Text.Encoding.UTF8.GetBytes("{\"id\":\"t\",\"quantity\":7}"), StateOperationType.Upsert),
            new StateTransactionRequest(deleted, null, StateOperationType.Delete),
        ]);
        Assert.Equal(7, (await client.GetStateAsync<Order>(Store, upserted)).Quantity);
        Assert.Null(await client.GetStateAsync<Order>(Store, deleted));

        var e = await Assert.ThrowsAsync<DaprException>(() => client.ExecuteStateTransactionAsync(Store,
        [
            new StateTransactionRequest(upserted, System.Text.Encoding.UTF8.GetBytes("{}"), StateOperationType.Upsert, etag: "999999"),
        ]));
        var rpc = RpcErrors.Inner(e);
        Assert.Equal(StatusCode.Internal, rpc.StatusCode);
        Assert.Equal("ERR_STATE_TRANSACTION", RpcErrors.ErrorInfo(rpc)?.Reason);
        Assert.Equal(7, (await client.GetStateAsync<Order>(Store, upserted)).Quantity);
    }

    [Theory]
    [MemberData(nameof(RedisProfile.Profiles), MemberType = typeof(RedisProfile))]
    public async Task A_value_saved_with_ttlInSeconds_expires(string profile)
    {
        await using var sidecar = await SdkSidecar.StartAsync(configure: redis.Configure(profile));
        using var client = sidecar.CreateClient();
        var (expiring, lasting) = (Key(), Key());
        // Stores count a TTL in whole seconds from the current second (as daprd's SQLite store does), so 2 s keeps the
        // value for at least one: read back sooner, it must be there (a slower read, on a loaded machine, proves nothing).
        var saving = System.Diagnostics.Stopwatch.StartNew();
        await client.SaveStateAsync(Store, expiring, new Order(expiring, 1), metadata: new Dictionary<string, string> { ["ttlInSeconds"] = "2" });
        var readBack = await client.GetStateAsync<Order>(Store, expiring);
        Assert.True(readBack is not null || saving.Elapsed >= TimeSpan.FromSeconds(1), $"the value was gone {saving.Elapsed.TotalMilliseconds:0} ms after it was saved with a TTL of 2 s");
        await client.SaveStateAsync(Store, lasting, new Order(lasting, 1), metadata: new Dictionary<string, string> { ["ttlInSeconds"] = "-1" });

        await Sidecart.Testing.Eventually.UntilAsync(() => client.GetStateAsync<Order>(Store, expiring), value => value is null,
            "the TTL'd value to expire", TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(100));
        Assert.NotNull(await client.GetStateAsync<Order>(Store, lasting));
    }

    [Fact]
    public async Task An_unknown_store_is_InvalidArgument_with_ErrorInfo_DAPR_STATE_NOT_FOUND()
    {
        await using var sidecar = await SdkSidecar.StartAsync();
        using var client = sidecar.CreateClient();

        var e = await Assert.ThrowsAsync<DaprException>(() => client.GetStateAsync<Order>("nostore", Key()));
        var rpc = RpcErrors.Inner(e);
        Assert.Equal(StatusCode.InvalidArgument, rpc.StatusCode);
        Assert.Equal("state store nostore is not found", rpc.Status.Detail);
        var info = RpcErrors.ErrorInfo(rpc);
        Assert.Equal("DAPR_STATE_NOT_FOUND", info?.Reason);
        Assert.Equal("dapr.io", info?.Domain);
        Assert.Empty(info!.Metadata);
    }

    [Theory]
    [MemberData(nameof(RedisProfile.Profiles), MemberType = typeof(RedisProfile))]
    public async Task A_key_with_a_double_pipe_is_InvalidArgument_with_BadRequest_ResourceInfo_and_DAPR_STATE_ILLEGAL_KEY(string profile)
    {
        await using var sidecar = await SdkSidecar.StartAsync(configure: redis.Configure(profile));
        using var client = sidecar.CreateClient();

        var e = await Assert.ThrowsAsync<DaprException>(() => client.SaveStateAsync(Store, "a||b", new Order("x", 1)));
        var rpc = RpcErrors.Inner(e);
        Assert.Equal(StatusCode.InvalidArgument, rpc.StatusCode);
        Assert.Equal("DAPR_STATE_ILLEGAL_KEY", RpcErrors.ErrorInfo(rpc)?.Reason);
        Assert.Equal("a||b", Assert.Single(RpcErrors.Detail<Google.Rpc.BadRequest>(rpc)!.FieldViolations).Field);
        var resource = RpcErrors.Detail<Google.Rpc.ResourceInfo>(rpc);
        Assert.Equal(("state", Store), (resource?.ResourceType, resource?.ResourceName));
    }

    [Fact]
    public async Task An_rpc_the_local_sidecar_does_not_serve_is_Unimplemented_and_named()
    {
        SdkSidecar.RequireInProcess();
        await using var sidecar = await SdkSidecar.StartAsync();
        using var client = sidecar.CreateClient();

        var e = await Assert.ThrowsAsync<DaprException>(() => client.QueryStateAsync<Order>(Store, "{}"));
        var rpc = RpcErrors.Inner(e);
        Assert.Equal(StatusCode.Unimplemented, rpc.StatusCode);
        Assert.Contains("dapr.proto.runtime.v1.Dapr/QueryStateAlpha1", rpc.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_redis_a_first_write_refusal_is_Internal_and_a_non_numeric_etag_InvalidArgument()
    {
        await using var sidecar = await SdkSidecar.StartAsync(configure: redis.Configure(RedisProfile.Redis));
        using var client = sidecar.CreateClient();
        var key = Key();
        var firstWrite = new StateOptions { Concurrency = ConcurrencyMode.FirstWrite };
        await client.SaveStateAsync(Store, key, new Order("o-1", 1), firstWrite);

        var conflict = RpcErrors.Inner(await Assert.ThrowsAsync<DaprException>(() => client.SaveStateAsync(Store, key, new Order("o-1", 2), firstWrite)));
        Assert.Equal(StatusCode.Internal, conflict.StatusCode);
        Assert.StartsWith($"failed saving state in state store {Store}: failed to set key sdk-conformance||{key}", conflict.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("ERR_STATE_SAVE", RpcErrors.ErrorInfo(conflict)?.Reason);

        var invalid = RpcErrors.Inner(await Assert.ThrowsAsync<DaprException>(() => client.TrySaveStateAsync(Store, key, new Order("o-1", 3), "not-a-number")));
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Equal(1, (await client.GetStateAsync<Order>(Store, key)).Quantity);
        Assert.True(await client.TrySaveStateAsync(Store, key, new Order("o-1", 4), "1"));
        Assert.Equal(4, (await client.GetStateAsync<Order>(Store, key)).Quantity);
    }
}
