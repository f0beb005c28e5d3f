using Dapr.Actors.Runtime;

namespace Sidecart.Inventory.Tests.Actors;

/// <summary>Keeps the reminders and timers an actor registers, by name, as the sidecar would hold them.</summary>
public sealed class RecordingTimerManager : ActorTimerManager
{
    public Dictionary<string, ActorReminder> Reminders { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ActorTimer> Timers { get; } = new(StringComparer.Ordinal);

    public override Task RegisterReminderAsync(ActorReminder reminder)
    {
        Reminders[reminder.Name] = reminder;
        return Task.CompletedTask;
    }

    public override Task<IActorReminder> GetReminderAsync(ActorReminderToken reminder) =>
        Task.FromResult<IActorReminder>(Reminders.GetValueOrDefault(reminder.Name)!);

    public override Task UnregisterReminderAsync(ActorReminderToken reminder)
    {
        Reminders.Remove(reminder.Name);
        return Task.CompletedTask;
    }

    public override Task RegisterTimerAsync(ActorTimer timer)
    {
        Timers[timer.Name] = timer;
        return Task.CompletedTask;
    }

    public override Task UnregisterTimerAsync(ActorTimerToken timer)
    {
        Timers.Remove(timer.Name);
        return Task.CompletedTask;
    }
}
