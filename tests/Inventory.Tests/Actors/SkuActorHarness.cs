using Dapr.Actors;
using Dapr.Actors.Runtime;
using Microsoft.Extensions.Options;
using Sidecart.Inventory.Actors;

namespace Sidecart.Inventory.Tests.Actors;

/// <summary>
/// One <see cref="SkuActor"/> on <see cref="ActorHost.CreateForTest{TActor}(ActorTestOptions)"/>, driven in turns as the
/// runtime drives it: the first turn of an activation creates the instance, a turn that returns saves its state changes
/// in one transaction, a turn that throws drops them, and <see cref="Deactivate"/> makes the next turn start on a new
/// instance that reads the saved state back.
/// </summary>
public sealed class SkuActorHarness(string sku, TimeSpan reservationTimeout)
{
    private SkuActor? _actor;

    public ActorStateStore State { get; } = new();

    public RecordingTimerManager Scheduler { get; } = new();

    public IReadOnlyDictionary<string, ActorReminder> Reminders => Scheduler.Reminders;

    public Task<T> InvokeAsync<T>(Func<SkuActor, Task<T>> call) => TurnAsync(call);

    /// <summary>Delivers a registered reminder as a turn; a one-shot reminder is forgotten once fired, as the sidecar does.</summary>
    public async Task FireReminderAsync(string name)
    {
        var reminder = Scheduler.Reminders[name];
        await TurnAsync(async actor =>
        {
            await actor.ReceiveReminderAsync(name, reminder.State, reminder.DueTime, reminder.Period);
            return true;
        });
        if (reminder.Period == Timeout.InfiniteTimeSpan)
        {
            Scheduler.Reminders.Remove(name);
        }
    }

    public void Deactivate() => _actor = null;

    private async Task<T> TurnAsync<T>(Func<SkuActor, Task<T>> call)
    {
        _actor ??= Activate();
        try
        {
            var result = await call(_actor);
            await _actor.StateManager.SaveStateAsync();
            return result;
        }
        catch
        {
            await _actor.StateManager.ClearCacheAsync();
            throw;
        }
    }

    private SkuActor Activate()
    {
        var host = ActorHost.CreateForTest<SkuActor>(new ActorTestOptions
        {
            ActorId = new ActorId(sku),
            TimerManager = Scheduler,
            JsonSerializerOptions = InventoryJson.Options,
        });
        var options = Options.Create(new InventoryOptions { ReservationTimeout = reservationTimeout });
        return new SkuActor(host, options, new InMemoryActorStateManager(State, InventoryJson.Options));
    }
}
