using System.Text;
using LocalSidecar.Components.State;

namespace LocalSidecar.Tests.State;

public sealed class InMemoryStateStoreTests
{
    private static readonly Dictionary<string, string> NoMetadata = [];
    private readonly ManualClock _clock = new(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));

    [Fact]
    public async Task A_ttl_sets_ttlExpireTime_and_the_key_is_missing_once_it_passes()
    {
        var store = new InMemoryStateStore(_clock);
        await store.SetAsync(Upsert("k", "1", metadata: new() { ["ttlInSeconds"] = "10" }), CancellationToken.None);

        var item = await store.GetAsync("k", NoMetadata, CancellationToken.None);
        Assert.Equal("2025-01-02T03:04:15Z", item!.Metadata[StateItem.TtlExpireTimeMetadata]);

        _clock.Advance(TimeSpan.FromSeconds(9));
        Assert.NotNull(await store.GetAsync("k", NoMetadata, CancellationToken.None));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await store.GetAsync("k", NoMetadata, CancellationToken.None));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public async Task A_ttl_of_zero_or_minus_one_never_expires(string ttl)
    {
        var store = new InMemoryStateStore(_clock);
        await store.SetAsync(Upsert("k", "1", metadata: new() { ["ttlInSeconds"] = ttl }), CancellationToken.None);
        _clock.Advance(TimeSpan.FromDays(365));
        Assert.Empty((await store.GetAsync("k", NoMetadata, CancellationToken.None))!.Metadata);
    }

    [Fact]
    public async Task A_ttl_that_is_not_an_integer_fails_the_write()
    {
        var store = new InMemoryStateStore(_clock);
        await Assert.ThrowsAsync<FormatException>(() => store.SetAsync(Upsert("k", "1", metadata: new() { ["ttlInSeconds"] = "soon" }), CancellationToken.None));
        Assert.Null(await store.GetAsync("k", NoMetadata, CancellationToken.None));
    }

    [Fact]
    public async Task Etags_are_uuids_and_change_on_every_write()
    {
        var store = new InMemoryStateStore(_clock);
        await store.SetAsync(Upsert("k", "1"), CancellationToken.None);
        var first = (await store.GetAsync("k", NoMetadata, CancellationToken.None))!.ETag;
        await store.SetAsync(Upsert("k", "2", first), CancellationToken.None);
        var second = (await store.GetAsync("k", NoMetadata, CancellationToken.None))!.ETag;
        Assert.True(Guid.TryParse(first, out _));
        Assert.True(Guid.TryParse(second, out _));
        Assert.NotEqual(first, second);
        await Assert.ThrowsAsync<ETagMismatchException>(() => store.SetAsync(Upsert("k", "3", first), CancellationToken.None));
    }

    [Fact]
    public async Task A_failing_transaction_changes_nothing()
    {
        var store = new InMemoryStateStore(_clock);
        await store.SetAsync(Upsert("doomed", "1"), CancellationToken.None);
        await Assert.ThrowsAsync<ETagMismatchException>(() => store.TransactAsync(
            [Upsert("created", "1"), new StateDelete("doomed", null, NoMetadata, StateConcurrency.LastWrite), new StateDelete("missing", "some-etag", NoMetadata, StateConcurrency.LastWrite)],
            NoMetadata, CancellationToken.None));
        Assert.Null(await store.GetAsync("created", NoMetadata, CancellationToken.None));
        Assert.NotNull(await store.GetAsync("doomed", NoMetadata, CancellationToken.None));
    }

    [Fact]
    public async Task Separate_instances_do_not_share_state()
    {
        var first = new InMemoryStateStore(_clock);
        var second = new InMemoryStateStore(_clock);
        await first.SetAsync(Upsert("k", "1"), CancellationToken.None);
        Assert.Null(await second.GetAsync("k", NoMetadata, CancellationToken.None));
    }

    private static StateUpsert Upsert(string key, string json, string? etag = null, Dictionary<string, string>? metadata = null) =>
        new(key, Encoding.UTF8.GetBytes(json), etag, metadata ?? NoMetadata, StateConcurrency.LastWrite);

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
