namespace Sidecart.Dapr.Actors.Runtime;

/// <summary>Registers one actor's reminders and timers with the sidecar (https://docs.dapr.io/reference/api/actors_api/).</summary>
internal sealed class DaprActorScheduler(DaprClient client, string actorType, string actorId) : IActorScheduler
{
    public Task RegisterReminderAsync(string reminderName, ActorReminder reminder, CancellationToken cancellationToken) =>
        client.RegisterActorReminderAsync(actorType, actorId, reminderName, reminder, cancellationToken);

    public Task UnregisterReminderAsync(string reminderName, CancellationToken cancellationToken) =>
        client.UnregisterActorReminderAsync(actorType, actorId, reminderName, cancellationToken);

    public Task RegisterTimerAsync(string timerName, ActorTimer timer, CancellationToken cancellationToken) =>
        client.RegisterActorTimerAsync(actorType, actorId, timerName, timer, cancellationToken);

    public Task UnregisterTimerAsync(string timerName, CancellationToken cancellationToken) =>
        client.UnregisterActorTimerAsync(actorType, actorId, timerName, cancellationToken);
}
