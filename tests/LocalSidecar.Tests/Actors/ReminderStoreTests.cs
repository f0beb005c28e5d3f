using LocalSidecar.Actors;
using LocalSidecar.Components.State;
using LocalSidecar.Tests.State;

namespace LocalSidecar.Tests.Actors;

public sealed class ReminderStoreTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_burst_of_new_reminders_of_one_type_keeps_every_one()
    {
        await using var state = await StateStoreFactory.InitAsync(new SqliteStateStore(), _dir.Path, new() { ["connectionString"] = "state.db" });
        var store = new ReminderStore(state);

        await Parallel.ForAsync(0, 300, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, ct) =>
            await store.SaveAsync(new Reminder { ActorType = "OrderProcess", ActorId = $"order-{i}", Name = "advance", DueTime = "1s", Revision = Guid.NewGuid().ToString("N"), RegisteredTime = DateTimeOffset.UtcNow, NextDue = DateTimeOffset.UtcNow.AddSeconds(1) }, ct));

        var saved = await store.LoadAsync("OrderProcess", CancellationToken.None);
        Assert.Equal(300, saved.Select(r => r.ActorId).Distinct().Count());
    }

    /// <summary>Two sidecars hosting one type on Redis race to create and update its document: the loser of the creation
    /// gets daprd's plain first-write failure, the losers of updates an ETag mismatch, and both read again and retry.</summary>
    [Fact]
    public async Task Two_sidecars_adding_reminders_of_one_type_on_redis_keep_every_one()
    {
        var metadata = new Dictionary<string, string> { ["redisHost"] = redis.Server.Host };
        await using var firstState = await StateStoreFactory.InitAsync(new RedisStateStore(), _dir.Path, metadata);
        await using var secondState = await StateStoreFactory.InitAsync(new RedisStateStore(), _dir.Path, metadata);
        var stores = new[] { new ReminderStore(firstState), new ReminderStore(secondState) };
        var type = $"Sku-{Guid.NewGuid():N}";

        await Parallel.ForAsync(0, 60, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await stores[i % 2].SaveAsync(new Reminder { ActorType = type, ActorId = $"sku-{i}", Name = "expire", DueTime = "1m", Revision = Guid.NewGuid().ToString("N"), RegisteredTime = DateTimeOffset.UtcNow, NextDue = DateTimeOffset.UtcNow.AddMinutes(1) }, ct));

        var saved = await stores[0].LoadAsync(type, CancellationToken.None);
        Assert.Equal(60, saved.Select(r => r.ActorId).Distinct().Count());
        Assert.Equal("0", (await redis.Direct.HashGetAsync($"actors||{type}", "first-write")).ToString());
    }
}
