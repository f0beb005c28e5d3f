using System.Text.Json;
using Sidecart.Dapr.Actors.Runtime;
using Sidecart.Dapr.Actors.Serialization;

namespace Sidecart.Dapr.Actors;

/// <summary>
/// Base class of a hosted actor. The host creates one instance per actor id on its first call (constructor
/// arguments come from DI), calls <see cref="OnActivateAsync"/> before its first turn, and keeps it until the sidecar
/// deactivates it. The sidecar runs one turn at a time per actor id (https://docs.dapr.io/reference/api/actors_api/).
/// </summary>
public abstract class Actor
{
    private ActorContext? _context;

    public string Id => Context.ActorId;

    public string ActorType => Context.ActorType;

    public IActorStateManager StateManager => Context.StateManager;

    internal ActorContext Context => _context ?? throw new InvalidOperationException(
        "The actor is not attached to a host yet: actors are created by the actor host or by ActorTestHost, and are usable from OnActivateAsync on.");

    internal void Attach(ActorContext context) => _context = context;

    internal Task ActivateAsync() => OnActivateAsync();

    internal Task DeactivateAsync() => OnDeactivateAsync();

    /// <summary>Runs inside the first turn of an activation, before the call; its state changes are saved with that turn.</summary>
    protected virtual Task OnActivateAsync() => Task.CompletedTask;

    /// <summary>Runs when the sidecar deactivates the actor (idle or rebalanced). State changes made here are not saved:
    /// the sidecar no longer counts the actor as active.</summary>
    protected virtual Task OnDeactivateAsync() => Task.CompletedTask;

    /// <summary>Registers (or replaces) a durable reminder, delivered to <see cref="IRemindable.ReceiveReminderAsync"/>.</summary>
    protected Task RegisterReminderAsync(string reminderName, ActorReminder reminder, CancellationToken cancellationToken = default) =>
        Context.Scheduler.RegisterReminderAsync(reminderName, reminder, cancellationToken);

    /// <param name="period">Null fires once.</param>
    protected Task RegisterReminderAsync(string reminderName, TimeSpan dueTime, TimeSpan? period = null, CancellationToken cancellationToken = default) =>
        RegisterReminderAsync(reminderName, ActorReminder.Create(dueTime, period), cancellationToken);

    /// <param name="data">Handed back as the reminder's state, serialized with the app's JSON resolver.</param>
    protected Task RegisterReminderAsync<TData>(string reminderName, TData data, TimeSpan dueTime, TimeSpan? period = null, CancellationToken cancellationToken = default) =>
        RegisterReminderAsync(reminderName, ActorReminder.Create(dueTime, period, data: ToJson(data)), cancellationToken);

    protected Task UnregisterReminderAsync(string reminderName, CancellationToken cancellationToken = default) =>
        Context.Scheduler.UnregisterReminderAsync(reminderName, cancellationToken);

    /// <summary>Registers (or replaces) a timer that calls the method named <paramref name="callback"/> on this actor
    /// as a turn. The method returns Task and takes nothing, or the timer's data. Timers end with the activation.</summary>
    protected Task RegisterTimerAsync(string timerName, string callback, TimeSpan dueTime, TimeSpan? period = null, CancellationToken cancellationToken = default) =>
        Context.Scheduler.RegisterTimerAsync(timerName, ActorTimer.Create(dueTime, period, callback: callback), cancellationToken);

    protected Task RegisterTimerAsync<TData>(string timerName, string callback, TData data, TimeSpan dueTime, TimeSpan? period = null, CancellationToken cancellationToken = default) =>
        Context.Scheduler.RegisterTimerAsync(timerName, ActorTimer.Create(dueTime, period, callback: callback, data: ToJson(data)), cancellationToken);

    protected Task UnregisterTimerAsync(string timerName, CancellationToken cancellationToken = default) =>
        Context.Scheduler.UnregisterTimerAsync(timerName, cancellationToken);

    /// <summary>Called from a reminder or timer callback: the sidecar will not fire that reminder or timer again
    /// (the callback answers <c>X-DaprReminderCancel: true</c>). The current turn still completes and saves its state.</summary>
    protected void StopFiringCurrentCallback() => Context.StopScheduledCallback = true;

    private JsonElement ToJson<TData>(TData data) => JsonSerializer.SerializeToElement(data, ActorJson.TypeInfo<TData>(Context.Json));
}
