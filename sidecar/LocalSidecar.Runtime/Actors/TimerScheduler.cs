using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace LocalSidecar.Actors;

/// <summary>A registered timer of an active actor. Timers are not durable: they live as long as the activation.</summary>
public sealed class ActorTimer(string name, ScheduleRequest request, ActorSchedule schedule) : IDisposable
{
    public string Name { get; } = name;

    public ScheduleRequest Request { get; } = request;

    public ActorSchedule Schedule { get; } = schedule;

    public CancellationTokenSource Stopping { get; } = new();

    /// <summary>The body of the timer callback (§5.4): what was registered, <c>data</c> left out when there was none
    /// (dapr/dapr pkg/actors/api/api.go, TimerResponse.MarshalJSON).</summary>
    public JsonObject CallbackBody()
    {
        var body = new JsonObject { ["callback"] = Request.Callback ?? "" };
        if (Request.Data is not null)
        {
            body["data"] = Request.Data.DeepClone();
        }

        body["dueTime"] = Request.DueTime ?? "";
        body["period"] = Request.Period ?? "";
        return body;
    }

    public void Dispose()
    {
        Stopping.Cancel();
        Stopping.Dispose();
    }
}

/// <summary>Fires the timers of active actors. A timer stops at its repetition count or expiry, on
/// <c>X-DaprReminderCancel</c>, when deleted, or when its actor is deactivated.</summary>
public sealed class TimerScheduler(
    Func<ActiveActor, ActorTimer, CancellationToken, Task<ScheduledFireOutcome>> fire,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>Starts <paramref name="timer"/>, replacing a timer of the same name.</summary>
    public void Start(ActiveActor actor, ActorTimer timer)
    {
        if (actor.Timers.TryRemove(timer.Name, out var replaced))
        {
            replaced.Dispose();
        }

        actor.Timers[timer.Name] = timer;
        var stopping = timer.Stopping.Token;
        _ = Task.Run(() => RunAsync(actor, timer, stopping), CancellationToken.None);
    }

    public static void Stop(ActiveActor actor, string name)
    {
        if (actor.Timers.TryRemove(name, out var timer))
        {
            timer.Dispose();
        }
    }

    public static void StopAll(ActiveActor actor)
    {
        foreach (var name in actor.Timers.Keys)
        {
            Stop(actor, name);
        }
    }

    private async Task RunAsync(ActiveActor actor, ActorTimer timer, CancellationToken stopping)
    {
        var due = timer.Schedule.FirstDue;
        var remaining = timer.Schedule.Repetitions;
        try
        {
            while (timer.Schedule.Expiry is not { } end || due <= end)
            {
                var wait = due - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, stopping);
                }

                var outcome = await fire(actor, timer, stopping);
                if (outcome != ScheduledFireOutcome.Delivered)
                {
                    break;
                }

                remaining--;
                if (timer.Schedule.NextAfter(due, time.GetUtcNow(), remaining) is not { } next)
                {
                    break;
                }

                due = next;
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Timer {Timer} of actor {Actor} failed", timer.Name, actor.Key);
        }

        if (actor.Timers.TryRemove(KeyValuePair.Create(timer.Name, timer)))
        {
            timer.Dispose();
        }
    }
}
