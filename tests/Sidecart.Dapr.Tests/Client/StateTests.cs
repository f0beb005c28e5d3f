using System.Net;
using Sidecart.Dapr.Tests.Support;

namespace Sidecart.Dapr.Tests.Client;

public sealed class StateTests : FakeSidecarTest
{
    [Fact]
    public async Task Get_returns_the_value_etag_and_response_metadata()
    {
        Sidecar.Respond = _ => SidecarResponse.Json(
            """{"id":"o1","total":3}""",
            new Dictionary<string, string> { ["ETag"] = "7", ["metadata.ttlExpireTime"] = "2030-01-01T00:00:00Z" });

        var entry = await Dapr.GetStateEntryAsync("statestore", "order/1+a", TestJsonContext.Default.Order, StateConsistency.Strong, cancellationToken: Ct);

        Assert.Equal(new Order("o1", 3), entry.Value);
        Assert.Equal("7", entry.ETag);
        Assert.True(entry.Exists);
        Assert.Equal("2030-01-01T00:00:00Z", entry.Metadata["ttlExpireTime"]);
        var request = Sidecar.SingleRequest;
        Assert.Equal("GET", request.Method);
        Assert.Equal("/v1.0/state/statestore/order%2F1%2Ba", request.Path);
        Assert.Equal("?consistency=strong", request.Query);
    }

    [Fact]
    public async Task Get_of_a_missing_key_gives_no_value_and_no_etag()
    {
        var entry = await Dapr.GetStateEntryAsync("statestore", "nope", TestJsonContext.Default.Order, cancellationToken: Ct);

        Assert.Null(entry.Value);
        Assert.Null(entry.ETag);
        Assert.False(entry.Exists);
        Assert.Equal(string.Empty, Sidecar.SingleRequest.Query);
    }

    [Fact]
    public async Task Save_posts_an_array_of_items_with_request_metadata_in_the_query()
    {
        await Dapr.SaveStateAsync("statestore", "order-1", new Order("o1", 12.5m), TestJsonContext.Default.Order,
            metadata: DaprMetadata.TimeToLive(TimeSpan.FromMinutes(1)), cancellationToken: Ct);

        var request = Sidecar.SingleRequest;
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1.0/state/statestore", request.Path);
        Assert.Equal("?metadata.ttlInSeconds=60", request.Query);
        Assert.Equal("application/json", request.ContentType);
        Assert.Equal("""[{"key":"order-1","value":{"id":"o1","total":12.5}}]""", request.Body);
    }

    [Fact]
    public async Task TrySave_with_an_etag_sends_it_with_first_write_and_reports_success()
    {
        var saved = await Dapr.TrySaveStateAsync("statestore", "k", "v", TestJsonContext.Default.String, etag: "3", cancellationToken: Ct);

        Assert.True(saved);
        Assert.Equal("""[{"key":"k","value":"v","etag":"3","options":{"concurrency":"first-write"}}]""", Sidecar.SingleRequest.Body);
    }

    [Fact]
    public async Task TrySave_returns_false_when_the_sidecar_reports_a_conflict()
    {
        Sidecar.Respond = _ => SidecarResponse.Error(409, "ERR_STATE_SAVE", "failed saving state in state store statestore: possible etag mismatch");

        var saved = await Dapr.TrySaveStateAsync("statestore", "k", 1, TestJsonContext.Default.Int32, etag: null, cancellationToken: Ct);

        Assert.False(saved);
        Assert.Equal("""[{"key":"k","value":1,"options":{"concurrency":"first-write"}}]""", Sidecar.SingleRequest.Body);
    }

    [Fact]
    public async Task TrySave_still_throws_errors_other_than_a_conflict()
    {
        Sidecar.Respond = _ => SidecarResponse.Error(500, "ERR_STATE_SAVE", "store unavailable");

        var error = await Assert.ThrowsAsync<DaprApiException>(() =>
            Dapr.TrySaveStateAsync("statestore", "k", 1, TestJsonContext.Default.Int32, etag: "1", cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
    }

    [Fact]
    public async Task Save_throws_a_conflict_as_a_dapr_error()
    {
        Sidecar.Respond = _ => SidecarResponse.Error(409, "ERR_STATE_SAVE", "possible etag mismatch");

        var error = await Assert.ThrowsAsync<DaprApiException>(() =>
            Dapr.SaveStateAsync("statestore", "k", 1, TestJsonContext.Default.Int32, cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.Conflict, error.StatusCode);
        Assert.Equal("ERR_STATE_SAVE", error.ErrorCode);
        Assert.Equal("possible etag mismatch", error.Message);
    }

    [Fact]
    public async Task Save_items_carries_per_item_etag_metadata_and_options()
    {
        await Dapr.SaveStateItemsAsync("statestore",
        [
            SaveStateItem.Create("a", 1, TestJsonContext.Default.Int32, "e1", new Dictionary<string, string> { ["ttlInSeconds"] = "5" }, new StateOptions(StateConcurrency.LastWrite, StateConsistency.Eventual)),
            SaveStateItem.Create("b", "x", TestJsonContext.Default.String),
        ], cancellationToken: Ct);

        Assert.Equal(
            """[{"key":"a","value":1,"etag":"e1","metadata":{"ttlInSeconds":"5"},"options":{"concurrency":"last-write","consistency":"eventual"}},{"key":"b","value":"x"}]""",
            Sidecar.SingleRequest.Body);
    }

    [Fact]
    public async Task Delete_with_an_etag_sends_if_match_and_the_concurrency_query()
    {
        await Dapr.DeleteStateAsync("statestore", "k 1", "9", StateOptions.FirstWrite, cancellationToken: Ct);

        var request = Sidecar.SingleRequest;
        Assert.Equal("DELETE", request.Method);
        Assert.Equal("/v1.0/state/statestore/k%201", request.Path);
        Assert.Equal("?concurrency=first-write", request.Query);
        Assert.Equal("9", request.Header("If-Match"));
    }

    [Fact]
    public async Task Delete_without_an_etag_sends_no_if_match()
    {
        await Dapr.DeleteStateAsync("statestore", "k", cancellationToken: Ct);

        Assert.Null(Sidecar.SingleRequest.Header("If-Match"));
        Assert.Equal(string.Empty, Sidecar.SingleRequest.Query);
    }

    [Fact]
    public async Task TryDelete_returns_false_on_an_etag_mismatch()
    {
        Sidecar.Respond = _ => SidecarResponse.Error(409, "ERR_STATE_DELETE", "possible etag mismatch");

        Assert.False(await Dapr.TryDeleteStateAsync("statestore", "k", "1", cancellationToken: Ct));
    }

    [Fact]
    public async Task Bulk_get_posts_the_keys_and_reads_data_etags_and_missing_keys_in_order()
    {
        Sidecar.Respond = _ => SidecarResponse.Json(
            """[{"key":"a","data":{"id":"a","total":1},"etag":"1"},{"key":"b"},{"key":"c","error":"boom"}]""");

        var items = await Dapr.GetBulkStateAsync("statestore", ["a", "b", "c"], TestJsonContext.Default.Order, parallelism: 2, cancellationToken: Ct);

        Assert.Equal("/v1.0/state/statestore/bulk", Sidecar.SingleRequest.Path);
        Assert.Equal("POST", Sidecar.SingleRequest.Method);
        Assert.Equal("""{"keys":["a","b","c"],"parallelism":2}""", Sidecar.SingleRequest.Body);
        Assert.Collection(
            items,
            a => Assert.Equal((new Order("a", 1), "1"), (a.Value, a.ETag)),
            b => Assert.Equal(("b", null, null), (b.Key, b.Value, b.ETag)),
            c => Assert.Equal("boom", c.Error));
    }

    [Fact]
    public async Task A_transaction_posts_upserts_and_deletes_with_transaction_metadata()
    {
        await Dapr.ExecuteStateTransactionAsync("statestore",
        [
            StateTransactionOperation.Upsert("k1", new Order("o1", 2), TestJsonContext.Default.Order, "4", DaprMetadata.TimeToLive(TimeSpan.FromSeconds(60))),
            StateTransactionOperation.Delete("k2", "5"),
        ], new Dictionary<string, string> { ["partitionKey"] = "p1" }, Ct);

        var request = Sidecar.SingleRequest;
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1.0/state/statestore/transaction", request.Path);
        Assert.Equal(
            """{"operations":[{"operation":"upsert","request":{"key":"k1","value":{"id":"o1","total":2},"etag":"4","metadata":{"ttlInSeconds":"60"}}},{"operation":"delete","request":{"key":"k2","etag":"5"}}],"metadata":{"partitionKey":"p1"}}""",
            request.Body);
    }

    [Fact]
    public async Task An_unknown_store_surfaces_status_error_code_and_message()
    {
        Sidecar.Respond = _ => new SidecarResponse(400,
            """{"errorCode":"ERR_STATE_STORE_NOT_FOUND","message":"state store nope is not found","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"DAPR_STATE_NOT_FOUND"}]}""");

        var error = await Assert.ThrowsAsync<DaprApiException>(() => Dapr.GetStateAsync("nope", "k", TestJsonContext.Default.String, cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("ERR_STATE_STORE_NOT_FOUND", error.ErrorCode);
        Assert.Equal("state store nope is not found", error.Message);
    }
}
