using Sidecart.Dapr.Actors.Runtime;

namespace Sidecart.Dapr.Actors.Testing;

/// <summary>Keeps the reminders and timers an actor registers instead of sending them to a sidecar.</summary>
internal sealed class RecordingActorScheduler : IActorScheduler
{
    public Dictionary<string, ActorReminder> Reminders { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ActorTimer> Timers { get; } = new(StringComparer.Ordinal);

    public Task RegisterReminderAsync(string reminderName, ActorReminder reminder, CancellationToken cancellationToken)
    {
        Reminders[reminderName] = reminder;
        return Task.CompletedTask;
    }

    public Task UnregisterReminderAsync(string reminderName, CancellationToken cancellationToken)
    {
        Reminders.Remove(reminderName);
        return Task.CompletedTask;
    }

    public Task RegisterTimerAsync(string timerName, ActorTimer timer, CancellationToken cancellationToken)
    {
        Timers[timerName] = timer;
        return Task.CompletedTask;
    }

    public Task UnregisterTimerAsync(string timerName, CancellationToken cancellationToken)
    {
        Timers.Remove(timerName);
        return Task.CompletedTask;
    }
}
