using System.Text.Json.Nodes;
using LocalSidecar.Components;
using LocalSidecar.Components.State;
using LocalSidecar.Hosting;
using LocalSidecar.Invocation;
using LocalSidecar.NameResolution;
using Microsoft.Extensions.Logging;

namespace LocalSidecar.Actors;

/// <summary>The actor building block of one sidecar (§5): learns the hosted types from the app, announces them through
/// name resolution, routes every actor request to the owning sidecar, and on the owner runs calls, reminders and
/// timers one turn at a time per actor, deactivating idle actors and those whose ownership moved away.</summary>
public sealed class ActorRuntime : IAsyncDisposable
{
    public const string ReentrancyIdHeader = "Dapr-Reentrancy-Id";
    public const string ReminderCancelHeader = "X-DaprReminderCancel";

    private static readonly KeyValuePair<string, string[]> ApiCallHeader = KeyValuePair.Create("Dapr-API-Call", new[] { "true" });
    private static readonly TimeSpan MaintenanceInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ReminderReloadInterval = TimeSpan.FromSeconds(5);

    /// <summary>A new host waits this long after announcing its types before serving them, so that the previous owners
    /// (which notice the new member within a name-resolution cache period and a maintenance tick) have deactivated the
    /// actors that move to it.</summary>
    private static readonly TimeSpan MembershipSettleTime = TimeSpan.FromMilliseconds(700);

    private readonly SidecarContext _context;
    private readonly INameResolver _resolver;
    private readonly ILogger _logger;
    private readonly TimeProvider _time = TimeProvider.System;
    private readonly ActiveActors _active;
    private readonly ActorCallbackClient? _callbacks;
    private readonly ReminderStore? _reminderStore;
    private readonly ReminderScheduler? _reminders;
    private readonly TimerScheduler _timers;
    private readonly ActorRouter _router;
    private readonly CancellationTokenSource _stopping = new();
    private Task _maintenance = Task.CompletedTask;
    private SidecarAddress? _address;
    private volatile ActorHostConfig _config = ActorHostConfig.None;
    private volatile bool _configKnown;
    private volatile bool _hostReady;
    private volatile bool _closing;
    private string _membership = "";
    private DateTimeOffset _remindersReloaded = DateTimeOffset.MinValue;

    public ActorRuntime(SidecarContext context)
    {
        _context = context;
        _resolver = context.Options.Environment.NameResolver;
        _logger = context.LoggerFactory.CreateLogger("LocalSidecar.Actors");
        _active = new ActiveActors(_time);
        (StateStoreName, StateStore) = FindActorStateStore(context);
        if (StateStore is not null)
        {
            _reminderStore = new ReminderStore(StateStore);
            _reminders = new ReminderScheduler(_reminderStore, FireReminderAsync, _time, _logger);
        }

        if (context.AppChannel is { } channel)
        {
            _callbacks = new ActorCallbackClient(channel, context.AppId);
        }
        else
        {
            _configKnown = true;
        }

        _timers = new TimerScheduler(FireTimerAsync, _time, _logger);
        _router = new ActorRouter(_resolver, _time, new Invocation.SidecarHop(context.Identity));
    }

    /// <summary>The component marked <c>actorStateStore: "true"</c>; null when there is none.</summary>
    public string? StateStoreName { get; }

    public ITransactionalStateStore? StateStore { get; }

    public ActorHostConfig Config => _config;

    /// <summary>INITIALIZING until the app's actor configuration is known, then RUNNING; DISABLED without an actor state store.</summary>
    public string RuntimeStatus => StateStore is null ? "DISABLED" : _configKnown ? "RUNNING" : "INITIALIZING";

    public bool HostReady => _configKnown && (_hostReady || _config.Entities.Count == 0) && !_closing;

    public IReadOnlyDictionary<string, int> ActiveCounts => _active.CountByType();

    /// <summary>True when the app declared actor types but no state store is marked for actors: every actor request is
    /// then answered with <c>ERR_ACTOR_RUNTIME_NOT_FOUND</c>.</summary>
    public bool MissingStateStore => StateStore is null && _config.Entities.Count > 0;

    /// <summary>Waits for the app, reads <c>GET /dapr/config</c> and, when it hosts actor types, announces them and starts
    /// serving them.</summary>
    public async Task StartAsync(AppChannel channel, SidecarAddress address, CancellationToken cancellationToken)
    {
        _address = address;
        _router.SelfInstanceId = address.InstanceId;
        try
        {
            await channel.WaitHealthyAsync(cancellationToken);
            var config = await ReadConfigAsync(cancellationToken);
            _config = config;
            _configKnown = true;
            if (config.Entities.Count == 0)
            {
                return;
            }

            if (StateStore is null)
            {
                _logger.LogError("The app hosts actor types {ActorTypes} but no state store component has metadata actorStateStore: \"true\"; actor requests will fail",
                    string.Join(", ", config.Entities));
                return;
            }

            _ = _resolver.Register(address with { ActorTypes = config.Entities });
            _logger.LogInformation("Hosting actor types {ActorTypes} (actor state store {StateStore})", string.Join(", ", config.Entities), StateStoreName);
            await Task.Delay(MembershipSettleTime, _time, cancellationToken);
            _hostReady = true;
            _maintenance = Task.Run(() => MaintainAsync(_stopping.Token), CancellationToken.None);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            _configKnown = true;
            _logger.LogError(e, "Starting the actor runtime failed");
        }
    }

    /// <summary>Shutdown: stops taking actor requests (callers retry on the next owner), deactivates every active actor
    /// after its call in flight (waiting at most the type's <c>drainOngoingCallTimeout</c>) and stops the reminders.</summary>
    public async Task DrainAsync()
    {
        if (_closing)
        {
            return;
        }

        _closing = true;
        _reminders?.Dispose();
        await _stopping.CancelAsync();
        await Task.WhenAll(_active.Snapshot().Select(a => DeactivateAsync(a, _config.For(a.Key.Type).DrainOngoingCallTimeout)));
        try
        {
            await _maintenance;
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DrainAsync();
        _router.Dispose();
        _stopping.Dispose();
    }

    // ---- Method calls ----

    /// <summary>Invokes an actor method on whichever sidecar owns the actor.</summary>
    public Task<ActorResponse> InvokeAsync(ActorCall call, CancellationToken cancellationToken)
    {
        if (MissingStateStore)
        {
            return Task.FromResult(RuntimeNotFound());
        }

        return _router.RouteAsync(call.Actor, () => InvokeOwnedAsync(call, cancellationToken),
            new RemoteActorRequest(HttpMethod.Put, $"method/{call.Method}{call.QueryString}", call.Body, call.Headers),
            detail => ActorResponse.Error(500, "ERR_ACTOR_INVOKE_METHOD", $"error invoke actor method: {detail}"),
            cancellationToken);
    }

    /// <summary>Runs a method call on this sidecar, which must own the actor, in the actor's turn.</summary>
    public async Task<ActorResponse> InvokeOwnedAsync(ActorCall call, CancellationToken cancellationToken)
    {
        if (!IsOwnedHere(call.Actor) || _callbacks is null)
        {
            return ActorResponse.NotOwner;
        }

        var settings = _config.For(call.Actor.Type);
        string? chain = null;
        var headers = call.Headers.Where(h => !h.Key.Equals(ReentrancyIdHeader, StringComparison.OrdinalIgnoreCase)).ToList();
        if (settings.ReentrancyEnabled)
        {
            chain = call.Headers.FirstOrDefault(h => h.Key.Equals(ReentrancyIdHeader, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault() is { Length: > 0 } existing
                ? existing
                : Guid.NewGuid().ToString();
            headers.Add(KeyValuePair.Create(ReentrancyIdHeader, new[] { chain }));
        }

        headers.Add(ApiCallHeader);
        try
        {
            using var turn = await EnterAsync(call.Actor, chain, settings.MaxStackDepth, cancellationToken);
            if (turn is null)
            {
                return ActorResponse.NotOwner;
            }

            using var response = await _callbacks.InvokeMethodAsync(call with { Headers = headers }, cancellationToken);
            return ActorMethodAnswer.ForCaller(call, await ActorResponse.ReadAsync(response, cancellationToken));
        }
        catch (ActorStackDepthException e)
        {
            return ActorResponse.Error(500, "ERR_ACTOR_STACK_DEPTH", e.Message);
        }
        catch (HttpRequestException e)
        {
            return ActorResponse.Error(500, "ERR_ACTOR_INVOKE_METHOD", $"error invoke actor method: {e.Message}");
        }
    }

    // ---- State ----

    public async Task<ActorResponse> GetStateAsync(ActorKey actor, string key, CancellationToken cancellationToken)
    {
        if (StateStore is null)
        {
            return RuntimeNotFound();
        }

        StateItem? item;
        try
        {
            item = await StateStore.GetAsync(StateKey(actor, key), new Dictionary<string, string>(), cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return ActorResponse.Error(500, "ERR_ACTOR_STATE_GET", $"error getting actor state: {e.Message}");
        }

        if (item is null)
        {
            return ActorResponse.NoContent;
        }

        var headers = new List<KeyValuePair<string, string[]>> { ActorResponse.JsonContentType };
        headers.AddRange(item.Metadata.Select(m => KeyValuePair.Create($"metadata.{m.Key}", new[] { m.Value })));
        return new ActorResponse(200, headers, item.Value);
    }

    /// <summary>Applies an actor state transaction; the actor must be active on this sidecar (normally the caller is
    /// inside one of the actor's method calls).</summary>
    public async Task<ActorResponse> TransactStateAsync(ActorKey actor, IReadOnlyList<ActorStateOperation> operations, CancellationToken cancellationToken)
    {
        if (StateStore is null)
        {
            return RuntimeNotFound();
        }

        if (_active.Find(actor) is null || !IsOwnedHere(actor))
        {
            return ActorResponse.Error(400, "ERR_ACTOR_INSTANCE_MISSING", "actor instance is missing");
        }

        if (operations.Any(o => o.Metadata.ContainsKey("ttlInSeconds")))
        {
            return ActorResponse.Error(500, "ERR_ACTOR_STATE_TRANSACTION_SAVE",
                "error saving actor transaction state: ttlInSeconds is not supported without the ActorStateTTL feature");
        }

        var writes = operations.Select(o => o.Upsert
            ? (StateWrite)new StateUpsert(StateKey(actor, o.Key), o.Value, o.ETag, o.Metadata, StateConcurrency.LastWrite)
            : new StateDelete(StateKey(actor, o.Key), o.ETag, o.Metadata, StateConcurrency.LastWrite)).ToList();
        try
        {
            if (writes.Count > 0)
            {
                await StateStore.TransactAsync(writes, new Dictionary<string, string>(), cancellationToken);
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return ActorResponse.Error(500, "ERR_ACTOR_STATE_TRANSACTION_SAVE", $"error saving actor transaction state: {e.Message}");
        }

        return ActorResponse.NoContent;
    }

    // ---- Reminders ----

    /// <summary>Stores a reminder and has the actor's owner schedule it. Only apps hosting the type may manage its reminders.</summary>
    public async Task<ActorResponse> CreateReminderAsync(ActorKey actor, string name, ScheduleRequest request, CancellationToken cancellationToken)
    {
        if (ReminderGuard(actor) is { } refused)
        {
            return refused;
        }

        Reminder reminder;
        try
        {
            reminder = Reminder.Create(actor, name, request, _time.GetUtcNow());
        }
        catch (FormatException e)
        {
            return ActorResponse.Error(500, "ERR_ACTOR_REMINDER_CREATE", $"error creating actor reminder: {e.Message}");
        }

        try
        {
            await _reminderStore!.SaveAsync(reminder, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return ActorResponse.Error(500, "ERR_ACTOR_REMINDER_CREATE", $"error creating actor reminder: {e.Message}");
        }

        var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(reminder, ReminderJsonContext.Default.Reminder);
        await NotifyOwnerAsync(actor, () => ScheduleOwnedReminder(reminder), HttpMethod.Put, $"reminders/{Uri.EscapeDataString(name)}", body, cancellationToken);
        return ActorResponse.NoContent;
    }

    public async Task<ActorResponse> GetReminderAsync(ActorKey actor, string name, CancellationToken cancellationToken)
    {
        if (ReminderGuard(actor) is { } refused)
        {
            return refused;
        }

        try
        {
            // A reminder it does not have is 404 ERR_ACTOR_REMINDER_NOT_FOUND in daprd since 1.17 (dapr/dapr
            // pkg/api/universal/actors.go, GetActorReminder; 1.16 answered 200 {}), on which the .NET SDK's
            // GetReminderAsync throws.
            return await _reminderStore!.GetAsync(actor, name, cancellationToken) is { } reminder
                ? ActorResponse.Json(200, reminder.ToApiJson())
                : ActorResponse.Error(404, "ERR_ACTOR_REMINDER_NOT_FOUND", $"actor reminder not found: {name}");
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return ActorResponse.Error(500, "ERR_ACTOR_REMINDER_GET", $"error getting actor reminder: {e.Message}");
        }
    }

    public async Task<ActorResponse> DeleteReminderAsync(ActorKey actor, string name, CancellationToken cancellationToken)
    {
        if (ReminderGuard(actor) is { } refused)
        {
            return refused;
        }

        try
        {
            await _reminderStore!.RemoveAsync(actor, name, null, cancellationToken);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return ActorResponse.Error(500, "ERR_ACTOR_REMINDER_DELETE", $"error deleting actor reminder: {e.Message}");
        }

        await NotifyOwnerAsync(actor, () =>
        {
            _reminders?.Unschedule(actor, name);
            return ActorResponse.NoContent;
        }, HttpMethod.Delete, $"reminders/{Uri.EscapeDataString(name)}", [], cancellationToken);
        return ActorResponse.NoContent;
    }

    /// <summary>On the owner: starts firing a reminder that was just stored.</summary>
    public ActorResponse ScheduleOwnedReminder(Reminder reminder)
    {
        if (!IsOwnedHere(reminder.Actor) || _reminders is null)
        {
            return ActorResponse.NotOwner;
        }

        _reminders.Schedule(reminder);
        return ActorResponse.NoContent;
    }

    public ActorResponse UnscheduleOwnedReminder(ActorKey actor, string name)
    {
        _reminders?.Unschedule(actor, name);
        return ActorResponse.NoContent;
    }

    public static Reminder? ReadReminder(byte[] body) => System.Text.Json.JsonSerializer.Deserialize(body, ReminderJsonContext.Default.Reminder);

    // ---- Timers ----

    public Task<ActorResponse> CreateTimerAsync(ActorKey actor, string name, ScheduleRequest request, byte[] body, CancellationToken cancellationToken)
    {
        if (MissingStateStore)
        {
            return Task.FromResult(RuntimeNotFound());
        }

        try
        {
            ActorSchedule.Parse(request.DueTime, request.Period, request.Ttl, _time.GetUtcNow());
        }
        catch (FormatException e)
        {
            return Task.FromResult(ActorResponse.Error(500, "ERR_ACTOR_TIMER_CREATE", $"error creating actor timer: {e.Message}"));
        }

        return _router.RouteAsync(actor, () => Task.FromResult(CreateOwnedTimer(actor, name, request)),
            new RemoteActorRequest(HttpMethod.Put, $"timers/{Uri.EscapeDataString(name)}", body, []),
            detail => ActorResponse.Error(500, "ERR_ACTOR_TIMER_CREATE", $"error creating actor timer: {detail}"),
            cancellationToken);
    }

    public Task<ActorResponse> DeleteTimerAsync(ActorKey actor, string name, CancellationToken cancellationToken) =>
        _router.RouteAsync(actor, () => Task.FromResult(DeleteOwnedTimer(actor, name)),
            new RemoteActorRequest(HttpMethod.Delete, $"timers/{Uri.EscapeDataString(name)}", [], []),
            detail => ActorResponse.Error(500, "ERR_ACTOR_TIMER_DELETE", $"error deleting actor timer: {detail}"),
            cancellationToken);

    /// <summary>On the owner: activates the actor (without taking its turn: the caller is usually inside a call of this
    /// very actor) and starts the timer.</summary>
    public ActorResponse CreateOwnedTimer(ActorKey actor, string name, ScheduleRequest request)
    {
        if (!IsOwnedHere(actor))
        {
            return ActorResponse.NotOwner;
        }

        ActorSchedule schedule;
        try
        {
            schedule = ActorSchedule.Parse(request.DueTime, request.Period, request.Ttl, _time.GetUtcNow());
        }
        catch (FormatException e)
        {
            return ActorResponse.Error(500, "ERR_ACTOR_TIMER_CREATE", $"error creating actor timer: {e.Message}");
        }

        var active = _active.GetOrActivate(actor);
        while (active.IsDeactivated)
        {
            active = _active.GetOrActivate(actor);
        }

        active.Touch();
        _timers.Start(active, new ActorTimer(name, request, schedule));
        RecordTimerCount(actor.Type);
        return ActorResponse.NoContent;
    }

    public ActorResponse DeleteOwnedTimer(ActorKey actor, string name)
    {
        if (!IsOwnedHere(actor))
        {
            return ActorResponse.NotOwner;
        }

        if (_active.Find(actor) is { } active)
        {
            TimerScheduler.Stop(active, name);
            RecordTimerCount(actor.Type);
        }

        return ActorResponse.NoContent;
    }

    // ---- Ownership ----

    /// <summary>True when this sidecar serves the actor now: it hosts the type, is ready and not draining, and placement
    /// over the current membership picks it.</summary>
    public bool IsOwnedHere(ActorKey actor)
    {
        if (!_hostReady || _closing || _address is null || !_config.Hosts(actor.Type))
        {
            return false;
        }

        return _router.OwnerOf(actor)?.InstanceId == _address.InstanceId;
    }

    /// <summary>Tells the owner about a reminder change; when it cannot be reached, it picks the change up from the store
    /// at its next reminder reload.</summary>
    private async Task NotifyOwnerAsync(ActorKey actor, Func<ActorResponse> local, HttpMethod method, string path, byte[] body, CancellationToken cancellationToken)
    {
        var answer = await _router.RouteAsync(actor, () => Task.FromResult(local()), new RemoteActorRequest(method, path, body, []),
            detail => ActorResponse.Error(500, "ERR_ACTOR_REMINDER_CREATE", detail), cancellationToken);
        if (answer.Status >= 400)
        {
            _logger.LogWarning("The owner of actor {Actor} was not told about reminder change {Path} (status {Status}); it reloads reminders from the store",
                actor, path, answer.Status);
        }
    }

    // ---- Turns, activation and deactivation ----

    /// <summary>Activates the actor if needed and waits for its turn; null when, by then, this sidecar no longer owns
    /// the actor (a caller queued behind a rebalancing deactivation must go to the new owner, not reactivate it here).</summary>
    private async Task<IDisposable?> EnterAsync(ActorKey key, string? chain, int maxStackDepth, CancellationToken cancellationToken)
    {
        while (IsOwnedHere(key))
        {
            var actor = _active.GetOrActivate(key);
            var turn = await AcquireTurnAsync(actor, chain, maxStackDepth, cancellationToken);
            if (actor.IsDeactivated)
            {
                turn.Dispose();
                continue;
            }

            if (!IsOwnedHere(key))
            {
                turn.Dispose();
                return null;
            }

            actor.Touch();
            return turn;
        }

        return null;
    }

    /// <summary>Deactivates after the call in flight (waiting at most <paramref name="waitForTurn"/>): drops the actor's
    /// timers and sends <c>DELETE /actors/{type}/{id}</c> to the app.</summary>
    private async Task DeactivateAsync(ActiveActor actor, TimeSpan waitForTurn)
    {
        if (!actor.TryBeginDeactivation())
        {
            return;
        }

        IDisposable? turn = null;
        using (var wait = new CancellationTokenSource(waitForTurn))
        {
            try
            {
                turn = await actor.TurnLock.AcquireAsync(null, int.MaxValue, wait.Token);
            }
            catch (OperationCanceledException)
            {
                _logger.LogWarning("Actor {Actor} still had a call in flight after {Timeout}; deactivating it anyway", actor.Key, waitForTurn);
            }
        }

        try
        {
            actor.IsDeactivated = true;
            _active.Remove(actor);
            TimerScheduler.StopAll(actor);
            RecordTimerCount(actor.Key.Type);
            if (_callbacks is not null)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                var status = await _callbacks.DeactivateAsync(actor.Key, timeout.Token);
                if (status != 200)
                {
                    _logger.LogWarning("The app did not answer 200 to the deactivation of actor {Actor}", actor.Key);
                    Metrics.ActorDeactivationFailed(actor.Key.Type, $"status_code_{status}");
                    return;
                }
            }

            Metrics.ActorDeactivated(actor.Key.Type);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            _logger.LogWarning("Deactivating actor {Actor} in the app failed: {Error}", actor.Key, e.Message);
            Metrics.ActorDeactivationFailed(actor.Key.Type, "invoke");
        }
        finally
        {
            turn?.Dispose();
        }
    }

    private async Task<ScheduledFireOutcome> FireReminderAsync(Reminder reminder, CancellationToken cancellationToken)
    {
        using var turn = await EnterAsync(reminder.Actor, null, int.MaxValue, cancellationToken);
        return turn is null
            ? ScheduledFireOutcome.NotOwned
            : await SendScheduledAsync(reminder.Actor, "remind", reminder.Name, reminder.CallbackBody(), cancellationToken);
    }

    private async Task<ScheduledFireOutcome> FireTimerAsync(ActiveActor actor, ActorTimer timer, CancellationToken cancellationToken)
    {
        if (!IsOwnedHere(actor.Key))
        {
            return ScheduledFireOutcome.NotOwned;
        }

        // Timers take the actor's turn but, as in Dapr, do not keep it from going idle.
        using var turn = await AcquireTurnAsync(actor, null, int.MaxValue, cancellationToken);
        if (actor.IsDeactivated)
        {
            return ScheduledFireOutcome.ActorGone;
        }

        return await SendScheduledAsync(actor.Key, "timer", timer.Name, timer.CallbackBody(), cancellationToken);
    }

    private async Task<ScheduledFireOutcome> SendScheduledAsync(ActorKey actor, string kind, string name, JsonObject body, CancellationToken cancellationToken)
    {
        // daprd counts a fire as successful when the app took it without error; a cancelling answer is an error there.
        var success = false;
        try
        {
            using var response = await _callbacks!.InvokeScheduledAsync(actor, kind, name, body, cancellationToken);
            if (response.Headers.TryGetValues(ReminderCancelHeader, out var cancel) && cancel.Any(IsTruthy))
            {
                return ScheduledFireOutcome.Cancelled;
            }

            if (response.StatusCode != System.Net.HttpStatusCode.OK)
            {
                _logger.LogWarning("The app answered {Status} to {Kind} {Name} of actor {Actor}", (int)response.StatusCode, kind, name, actor);
            }
            else
            {
                success = true;
            }
        }
        catch (HttpRequestException e)
        {
            _logger.LogWarning("Delivering {Kind} {Name} to actor {Actor} failed: {Error}", kind, name, actor, e.Message);
        }
        finally
        {
            if (kind == "timer")
            {
                Metrics.TimerFired(actor.Type, success);
            }
            else
            {
                Metrics.ReminderFired(actor.Type, success);
            }
        }

        return ScheduledFireOutcome.Delivered;
    }

    private Diagnostics.Metrics.DaprMetrics Metrics => _context.Telemetry.Metrics;

    /// <summary>Waits for the actor's turn, counted meanwhile in daprd's <c>dapr_runtime_actor_pending_actor_calls</c>.</summary>
    private async Task<IDisposable> AcquireTurnAsync(ActiveActor actor, string? chain, int maxStackDepth, CancellationToken cancellationToken)
    {
        Metrics.ActorPendingCallsChanged(actor.Key.Type, 1);
        try
        {
            return await actor.TurnLock.AcquireAsync(chain, maxStackDepth, cancellationToken);
        }
        finally
        {
            Metrics.ActorPendingCallsChanged(actor.Key.Type, -1);
        }
    }

    /// <summary>daprd's <c>dapr_runtime_actor_timers</c>: the timers running for the type's active actors.</summary>
    private void RecordTimerCount(string actorType) =>
        Metrics.ActorTimerCount(actorType, _active.Snapshot().Where(a => a.Key.Type == actorType).Sum(a => a.Timers.Count));

    /// <summary>Every tick: deactivates idle actors; when membership changed (or periodically), deactivates the actors
    /// that moved away and reconciles reminders with the store.</summary>
    private async Task MaintainAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var now = _time.GetUtcNow();
                foreach (var actor in _active.Snapshot())
                {
                    var settings = _config.For(actor.Key.Type);
                    if (!IsOwnedHere(actor.Key))
                    {
                        _ = DeactivateAsync(actor, settings.DrainRebalancedActors ? settings.DrainOngoingCallTimeout : TimeSpan.Zero);
                    }
                    else if (!actor.TurnLock.IsBusy && now - actor.LastUsed >= settings.IdleTimeout)
                    {
                        _ = DeactivateAsync(actor, settings.DrainOngoingCallTimeout);
                    }
                }

                var membership = string.Join(";", _resolver.ResolveAll().Where(a => a.ActorTypes.Count > 0).Select(a => $"{a.InstanceId}:{string.Join(",", a.ActorTypes)}"));
                if (membership != _membership || now - _remindersReloaded >= ReminderReloadInterval)
                {
                    _membership = membership;
                    _remindersReloaded = now;
                    foreach (var type in _config.Entities)
                    {
                        _reminders!.Reconcile(type, await _reminderStore!.LoadAsync(type, stopping), IsOwnedHere);
                    }
                }

                await Task.Delay(MaintenanceInterval, _time, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Actor maintenance failed; retrying");
                await Task.Delay(MaintenanceInterval, _time, stopping);
            }
        }
    }

    private async Task<ActorHostConfig> ReadConfigAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await _callbacks!.GetConfigAsync(cancellationToken);
            }
            catch (HttpRequestException e) when (attempt < 5)
            {
                _logger.LogDebug("GET /dapr/config failed ({Error}); retrying", e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), _time, cancellationToken);
            }
        }
    }

    private ActorResponse? ReminderGuard(ActorKey actor)
    {
        if (StateStore is null)
        {
            return RuntimeNotFound();
        }

        return _config.Hosts(actor.Type)
            ? null
            : ActorResponse.Error(403, "ERR_ACTOR_REMINDER_NON_HOSTED", $"operations on actor reminders are only supported for actor types hosted by this app; {actor.Type} is not");
    }

    private string StateKey(ActorKey actor, string key) =>
        string.Join(StateKeys.Separator, _context.AppId, actor.Type, actor.Id, key);

    private static ActorResponse RuntimeNotFound() => ActorResponse.Error(500, "ERR_ACTOR_RUNTIME_NOT_FOUND",
        "the state store is not configured to use the actor runtime. Have you set the - name: actorStateStore value: \"true\" in your state store component file?");

    private static bool IsTruthy(string value) =>
        value.Trim().ToLowerInvariant() is "true" or "1" or "y" or "yes" or "on" or "t";

    /// <summary>The single store marked <c>actorStateStore</c>; two marked stores are a startup error naming both files.</summary>
    private static (string? Name, ITransactionalStateStore? Store) FindActorStateStore(SidecarContext context)
    {
        var marked = context.Components.All
            .Where(c => c.Instance is IStateStore { Settings.IsActorStateStore: true })
            .ToList();
        if (marked.Count > 1)
        {
            throw new ResourceException(
                $"detected duplicate actor state store: '{marked[0].Spec.Name}' ({marked[0].Spec.SourceFile}) and '{marked[1].Spec.Name}' ({marked[1].Spec.SourceFile}) both set actorStateStore: \"true\"; only one may");
        }

        if (marked.Count == 0)
        {
            return (null, null);
        }

        var (spec, instance) = marked[0];
        return instance is ITransactionalStateStore transactional
            ? (spec.Name, transactional)
            : throw new ResourceException(spec.SourceFile, "spec.metadata.actorStateStore", $"state store '{spec.Name}' ({spec.Type}) does not support transactions, which actors need");
    }
}

/// <summary>One operation of an actor state transaction.</summary>
public sealed record ActorStateOperation(bool Upsert, string Key, byte[] Value, string? ETag, IReadOnlyDictionary<string, string> Metadata);
