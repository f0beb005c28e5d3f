using System.Text;
using System.Text.Json.Nodes;
using Dapr;
using Microsoft.Extensions.Logging.Abstractions;
using Sidecart.Events.Tests.Support;

namespace Sidecart.Events.Tests;

/// <summary>
/// The dead-letter store on each kind of state store, through the real DaprClient: the Python service's layout, the
/// first reason kept, and no entry lost to a racing writer, whichever way the store reports the lost race.
/// </summary>
public sealed class DeadLetterStoreTests
{
    private const string IndexKey = "dead-letters-index";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<StoreFlavour> Flavours => [StoreFlavour.Sqlite, StoreFlavour.Redis, StoreFlavour.PostgreSql, StoreFlavour.MongoDb];

    private static TopicDelivery Event(string id) =>
        TopicDelivery.FromCloudEvent(Encoding.UTF8.GetBytes($$$"""{"id":"{{{id}}}","topic":"stock","data":{"sku":"A"}}"""));

    private static DeadLetterStore StoreOn(FakeSidecar sidecar, TimeProvider? time = null) =>
        new(sidecar.CreateClient(), time ?? new ManualClock(),
            NullLogger<DeadLetterStore>.Instance);

    private static List<string> IndexOf(FakeStateStore store) =>
        JsonNode.Parse(store.Json(IndexKey)!)!["keys"]!.AsArray().Select(k => k!.GetValue<string>()).ToList();

    private static string ReasonOf(FakeStateStore store, string id) => JsonNode.Parse(store.Json($"dead-letter-{id}")!)!["reason"]!.GetValue<string>();

    [Theory]
    [MemberData(nameof(Flavours))]
    public async Task A_dead_letter_is_kept_in_the_layout_the_python_service_uses(StoreFlavour flavour)
    {
        await using var sidecar = await FakeSidecar.StartAsync(flavour);

        Assert.True(await StoreOn(sidecar).RecordAsync(Event("evt-1"), "stock", "schema violation at data.quantity: required field is missing", Ct));

        var record = JsonNode.Parse(sidecar.Store.Json("dead-letter-evt-1")!)!.AsObject();
        Assert.Equal(["id", "topic", "receivedAt", "reason", "event"], record.Select(p => p.Key));
        Assert.Equal("evt-1", record["id"]!.GetValue<string>());
        Assert.Equal("stock", record["topic"]!.GetValue<string>());
        Assert.Equal("2026-01-01T10:00:00+00:00", record["receivedAt"]!.GetValue<string>());
        Assert.Equal("A", record["event"]!["data"]!["sku"]!.GetValue<string>());
        Assert.Equal("""{"keys":["dead-letter-evt-1"]}""", sidecar.Store.Json(IndexKey));
    }

    [Theory]
    [MemberData(nameof(Flavours))]
    public async Task Recording_an_event_again_keeps_the_first_reason(StoreFlavour flavour)
    {
        await using var sidecar = await FakeSidecar.StartAsync(flavour);
        var store = StoreOn(sidecar);

        Assert.True(await store.RecordAsync(Event("evt-1"), "stock", "refused", Ct));
        Assert.False(await store.RecordAsync(Event("evt-1"), "stock", DeadLetter.SidecarDeadLettered, Ct));

        Assert.Equal("refused", ReasonOf(sidecar.Store, "evt-1"));
        Assert.Equal(["dead-letter-evt-1"], IndexOf(sidecar.Store));
    }

    [Theory]
    [MemberData(nameof(Flavours))]
    public async Task When_another_delivery_records_the_event_first_its_reason_stays(StoreFlavour flavour)
    {
        await using var sidecar = await FakeSidecar.StartAsync(flavour);
        sidecar.Store.BeforeNextWriteOf("dead-letter-evt-1", () =>
            Assert.Null(sidecar.Store.WriteAsAnother("dead-letter-evt-1",
                """{"id":"evt-1","topic":"stock","receivedAt":"2026-01-01T09:59:59+00:00","reason":"theirs","event":{}}""", firstWrite: true)));

        Assert.False(await StoreOn(sidecar).RecordAsync(Event("evt-1"), "stock", "ours", Ct));

        Assert.Equal("theirs", ReasonOf(sidecar.Store, "evt-1"));
        Assert.Equal(["dead-letter-evt-1"], IndexOf(sidecar.Store));
    }

    [Theory]
    [MemberData(nameof(Flavours))]
    public async Task An_index_created_by_a_racing_writer_keeps_both_entries(StoreFlavour flavour)
    {
        await using var sidecar = await FakeSidecar.StartAsync(flavour);
        sidecar.Store.BeforeNextWriteOf(IndexKey, () =>
            Assert.Null(sidecar.Store.WriteAsAnother(IndexKey, """{"keys":["dead-letter-other"]}""", firstWrite: true)));

        await StoreOn(sidecar).RecordAsync(Event("evt-1"), "stock", "refused", Ct);

        Assert.Equal(["dead-letter-other", "dead-letter-evt-1"], IndexOf(sidecar.Store));
    }

    [Theory]
    [MemberData(nameof(Flavours))]
    public async Task An_index_updated_by_a_racing_writer_keeps_both_entries(StoreFlavour flavour)
    {
        await using var sidecar = await FakeSidecar.StartAsync(flavour);
        var store = StoreOn(sidecar);
        await store.RecordAsync(Event("evt-1"), "stock", "refused", Ct);
        sidecar.Store.BeforeNextWriteOf(IndexKey, () =>
            Assert.Null(sidecar.Store.WriteAsAnother(IndexKey, """{"keys":["dead-letter-evt-1","dead-letter-other"]}""", sidecar.Store.Get(IndexKey).ETag)));

        await store.RecordAsync(Event("evt-2"), "stock", "refused", Ct);

        Assert.Equal(["dead-letter-evt-1", "dead-letter-other", "dead-letter-evt-2"], IndexOf(sidecar.Store));
    }

    [Theory]
    [MemberData(nameof(Flavours))]
    public async Task An_index_another_writer_created_with_first_write_is_extended(StoreFlavour flavour)
    {
        // The Python service and the previous C# library create the index with first-write; on Redis such a key
        // refuses every later write that has no ETag.
        await using var sidecar = await FakeSidecar.StartAsync(flavour);
        Assert.Null(sidecar.Store.WriteAsAnother(IndexKey, """{"keys":["dead-letter-old"]}""", firstWrite: true));

        await StoreOn(sidecar).RecordAsync(Event("evt-1"), "stock", "refused", Ct);

        Assert.Equal(["dead-letter-old", "dead-letter-evt-1"], IndexOf(sidecar.Store));
    }

    [Fact]
    public async Task The_list_is_newest_first_and_skips_keys_without_a_record()
    {
        await using var sidecar = await FakeSidecar.StartAsync();
        var time = new ManualClock();
        var store = StoreOn(sidecar, time);
        foreach (var id in new[] { "evt-1", "evt-2", "evt-3" })
        {
            await store.RecordAsync(Event(id), "stock", $"refused {id}", Ct);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Null(sidecar.Store.WriteAsAnother(IndexKey, """{"keys":["dead-letter-evt-1","dead-letter-gone","dead-letter-evt-2","dead-letter-evt-3"]}"""));

        var listed = await store.ListAsync(Ct);
        Assert.Equal(["evt-3", "evt-2", "evt-1"], listed.Select(l => l.Id));
        Assert.Equal("refused evt-3", listed[0].Reason);
    }

    [Fact]
    public async Task An_empty_store_lists_nothing()
    {
        await using var sidecar = await FakeSidecar.StartAsync();

        Assert.Empty(await StoreOn(sidecar).ListAsync(Ct));
    }

    [Fact]
    public async Task Ids_that_cannot_be_state_keys_are_hashed()
    {
        await using var sidecar = await FakeSidecar.StartAsync();

        await StoreOn(sidecar).RecordAsync(Event("a||b"), "stock", "refused", Ct);

        var key = Assert.Single(IndexOf(sidecar.Store));
        Assert.StartsWith("dead-letter-sha256-", key, StringComparison.Ordinal);
        Assert.Equal("a||b", JsonNode.Parse(sidecar.Store.Json(key)!)!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_store_that_is_down_fails_the_recording()
    {
        await using var sidecar = await FakeSidecar.StartAsync();
        sidecar.Store.Unavailable = true;

        await Assert.ThrowsAsync<DaprException>(() => StoreOn(sidecar).RecordAsync(Event("evt-1"), "stock", "refused", Ct));
    }
}
