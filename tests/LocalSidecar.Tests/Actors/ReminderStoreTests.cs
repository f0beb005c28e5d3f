using LocalSidecar.Actors;
using LocalSidecar.Components.State;
using LocalSidecar.Tests.State;

namespace LocalSidecar.Tests.Actors;

public sealed class ReminderStoreTests : IDisposable
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
}
