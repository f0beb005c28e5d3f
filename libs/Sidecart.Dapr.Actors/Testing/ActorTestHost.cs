using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Sidecart.Dapr.Actors.Runtime;
using Sidecart.Dapr.Actors.Serialization;
using Sidecart.Dapr.Actors.State;

namespace Sidecart.Dapr.Actors.Testing;

public static class ActorTestHost
{
    /// <summary>
    /// Hosts one <typeparamref name="TActor"/> in memory, without a sidecar, with the same turn semantics as the real
    /// host: activation on the first turn, all state changes of a turn saved in one transaction at its end and
    /// discarded if it throws. Reminders and timers are captured, and fired on demand as turns.
    /// </summary>
    /// <param name="jsonTypeInfoResolver">The app's JSON context, as given to <c>AddActors</c>.</param>
    /// <param name="services">Where the actor's constructor arguments come from; none when null.</param>
    public static ActorTestHost<TActor> Create<TActor>(
        string actorId, IJsonTypeInfoResolver? jsonTypeInfoResolver = null, IServiceProvider? services = null)
        where TActor : Actor =>
        new(actorId, ActorJson.CreateOptions(jsonTypeInfoResolver), services ?? new ServiceCollection().BuildServiceProvider());
}

public sealed class ActorTestHost<TActor>
    where TActor : Actor
{
    private readonly ActorTypeInfo _type;
    private readonly IServiceProvider _services;
    private readonly InMemoryActorStateStore _store = new();
    private readonly RecordingActorScheduler _scheduler = new();
    private ActorActivation _activation;

    internal ActorTestHost(string actorId, JsonSerializerOptions json, IServiceProvider services)
    {
        ArgumentException.ThrowIfNullOrEmpty(actorId);
        var options = new ActorsOptions();
        var typeName = options.RegisterActor<TActor>().TypeName;
        _type = new ActorTypeInfo(typeName, typeof(TActor), json);
        _services = services;
        ActorId = actorId;
        _activation = NewActivation();
    }

    public string ActorType => _type.Name;

    public string ActorId { get; }

    /// <summary>The current instance; a new one after <see cref="DeactivateAsync"/>.</summary>
    public TActor Actor => (TActor)_activation.Actor;

    /// <summary>The reminders registered and not unregistered (or cancelled, or fired once when one-shot).</summary>
    public IReadOnlyDictionary<string, ActorReminder> Reminders => _scheduler.Reminders;

    /// <summary>The timers of the current activation.</summary>
    public IReadOnlyDictionary<string, ActorTimer> Timers => _scheduler.Timers;

    /// <summary>The saved state as the sidecar would hold it.</summary>
    public IReadOnlyDictionary<string, JsonElement> SavedState => _store.Values;

    /// <summary>Every state transaction saved so far, in order: at most one per turn.</summary>
    public IReadOnlyList<IReadOnlyList<ActorStateOperation>> StateTransactions => _store.Transactions;

    public T? GetSavedState<T>(string key) =>
        _store.Values.TryGetValue(key, out var value) ? value.Deserialize(ActorJson.TypeInfo<T>(_type.Json)) : default;

    /// <summary>Stores a value as if an earlier activation had saved it.</summary>
    public void SeedState<T>(string key, T value) =>
        _store.Values[key] = JsonSerializer.SerializeToElement(value, ActorJson.TypeInfo<T>(_type.Json));

    /// <summary>Runs <paramref name="call"/> as one turn.</summary>
    public async Task InvokeAsync(Func<TActor, Task> call) =>
        await RunAsync(async (actor, _) =>
        {
            await call((TActor)actor);
            return true;
        });

    public async Task<TResult> InvokeAsync<TResult>(Func<TActor, Task<TResult>> call) =>
        (await RunAsync((actor, _) => call((TActor)actor))).Value;

    /// <summary>Delivers a registered reminder as a turn, as the sidecar would; true when the actor asked not to be
    /// reminded again. A one-shot or cancelled reminder is gone afterwards.</summary>
    public async Task<bool> FireReminderAsync(string reminderName)
    {
        if (!_scheduler.Reminders.TryGetValue(reminderName, out var reminder))
        {
            throw new InvalidOperationException($"No reminder '{reminderName}' is registered.");
        }

        if (Actor is not IRemindable)
        {
            throw new InvalidOperationException($"{typeof(TActor).Name} does not implement IRemindable.");
        }

        var turn = await RunAsync(async (actor, _) =>
        {
            await ((IRemindable)actor).ReceiveReminderAsync(reminderName, reminder.Data, reminder.DueTime, reminder.Period ?? "");
            return true;
        });
        if (turn.StopScheduledCallback || string.IsNullOrEmpty(reminder.Period))
        {
            _scheduler.Reminders.Remove(reminderName);
        }

        return turn.StopScheduledCallback;
    }

    /// <summary>Fires a registered timer as a turn; true when the actor asked to stop it.</summary>
    public async Task<bool> FireTimerAsync(string timerName)
    {
        if (!_scheduler.Timers.TryGetValue(timerName, out var timer))
        {
            throw new InvalidOperationException($"No timer '{timerName}' is registered.");
        }

        var callback = timer.Callback is { Length: > 0 } name ? _type.TimerCallback(name) : null;
        if (callback is null)
        {
            throw new InvalidOperationException($"{typeof(TActor).Name} has no timer callback method '{timer.Callback}'.");
        }

        var data = callback.ParameterType is { } dataType && timer.Data is { } json ? json.Deserialize(ActorJson.TypeInfo(_type.Json, dataType)) : null;
        var turn = await RunAsync(async (actor, cancellationToken) =>
        {
            await callback.InvokeAsync(actor, data, cancellationToken);
            return true;
        });
        if (turn.StopScheduledCallback || string.IsNullOrEmpty(timer.Period))
        {
            _scheduler.Timers.Remove(timerName);
        }

        return turn.StopScheduledCallback;
    }

    /// <summary>Deactivates the actor as the sidecar does when it is idle: its timers end, its reminders stay, and the
    /// next call runs on a new instance that reads its state back from the saved state.</summary>
    public async Task DeactivateAsync()
    {
        await _activation.DeactivateAsync(() => { });
        _scheduler.Timers.Clear();
        _activation = NewActivation();
    }

    private Task<TurnResult<T>> RunAsync<T>(Func<Actor, CancellationToken, Task<T>> body) =>
        _activation.RunTurnAsync(body, CancellationToken.None);

    private ActorActivation NewActivation()
    {
        Actor actor = ActivatorUtilities.CreateInstance<TActor>(_services);
        var context = new ActorContext(_type.Name, ActorId, new ActorStateManager(_store, _type.Json), _scheduler, _type.Json);
        actor.Attach(context);
        return new ActorActivation(actor, context, serializeTurns: true, scope: null);
    }
}
