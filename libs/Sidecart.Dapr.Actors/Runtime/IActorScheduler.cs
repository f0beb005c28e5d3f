namespace Sidecart.Dapr.Actors.Runtime;

/// <summary>Reminder and timer registration for one actor: through the sidecar, or captured by the test host.</summary>
internal interface IActorScheduler
{
    Task RegisterReminderAsync(string reminderName, ActorReminder reminder, CancellationToken cancellationToken);

    Task UnregisterReminderAsync(string reminderName, CancellationToken cancellationToken);

    Task RegisterTimerAsync(string timerName, ActorTimer timer, CancellationToken cancellationToken);

    Task UnregisterTimerAsync(string timerName, CancellationToken cancellationToken);
}
