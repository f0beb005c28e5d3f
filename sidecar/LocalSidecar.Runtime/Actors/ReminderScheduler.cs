using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LocalSidecar.Actors;

/// <summary>Fires the durable reminders of the actors this sidecar owns. Progress is written to the
/// <see cref="ReminderStore"/> after every firing, so a reminder resumes where it was after a restart or on its new
/// owner, and a due time missed while nobody ran it fires once rather than in a burst.</summary>
public sealed class ReminderScheduler(
    ReminderStore store,
    Func<Reminder, CancellationToken, Task<ScheduledFireOutcome>> fire,
    TimeProvider time,
    ILogger logger) : IDisposable
{
    private readonly ConcurrentDictionary<(ActorKey Actor, string Name), Scheduled> _scheduled = new();

    public int Count => _scheduled.Count;

    /// <summary>Starts firing <paramref name="reminder"/>, replacing any schedule of the same actor and name.</summary>
    public void Schedule(Reminder reminder)
    {
        var scheduled = new Scheduled(reminder.Revision);
        if (_scheduled.TryRemove((reminder.Actor, reminder.Name), out var replaced))
        {
            replaced.Dispose();
        }

        _scheduled[(reminder.Actor, reminder.Name)] = scheduled;
        var stopping = scheduled.Stopping.Token;
        _ = Task.Run(() => RunAsync(reminder, scheduled, stopping), CancellationToken.None);
    }

    public void Unschedule(ActorKey actor, string name)
    {
        if (_scheduled.TryRemove((actor, name), out var scheduled))
        {
            scheduled.Dispose();
        }
    }

    /// <summary>Brings the schedules of <paramref name="actorType"/> in line with the stored reminders: owned ones not yet
    /// running (or registered anew) start, the rest stop.</summary>
    public void Reconcile(string actorType, IReadOnlyList<Reminder> stored, Func<ActorKey, bool> ownedHere)
    {
        var wanted = stored.Where(r => ownedHere(r.Actor)).ToDictionary(r => (r.Actor, r.Name));
        foreach (var (key, scheduled) in _scheduled)
        {
            if (key.Actor.Type == actorType && (!wanted.TryGetValue(key, out var reminder) || reminder.Revision != scheduled.Revision))
            {
                Unschedule(key.Actor, key.Name);
            }
        }

        foreach (var (key, reminder) in wanted)
        {
            if (!_scheduled.ContainsKey(key))
            {
                Schedule(reminder);
            }
        }
    }

    public void Dispose()
    {
        foreach (var (actor, name) in _scheduled.Keys)
        {
            Unschedule(actor, name);
        }
    }

    private async Task RunAsync(Reminder reminder, Scheduled scheduled, CancellationToken stopping)
    {
        var schedule = reminder.Schedule;
        try
        {
            while (true)
            {
                if (reminder.ExpirationTime is { } end && reminder.NextDue > end)
                {
                    await store.RemoveAsync(reminder.Actor, reminder.Name, reminder.Revision, stopping);
                    break;
                }

                var wait = reminder.NextDue - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, stopping);
                }

                var outcome = await fire(reminder, stopping);
                if (outcome is ScheduledFireOutcome.NotOwned)
                {
                    break;
                }

                var remaining = reminder.Remaining - 1;
                var next = outcome is ScheduledFireOutcome.Cancelled ? null : schedule.NextAfter(reminder.NextDue, time.GetUtcNow(), remaining);
                if (next is null)
                {
                    await store.RemoveAsync(reminder.Actor, reminder.Name, reminder.Revision, stopping);
                    break;
                }

                reminder = reminder with { NextDue = next.Value, Remaining = remaining };
                await store.RecordProgressAsync(reminder, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Reminder {Reminder} of actor {Actor} failed; it resumes when reminders are next reconciled", reminder.Name, reminder.Actor);
        }

        if (_scheduled.TryRemove(KeyValuePair.Create((reminder.Actor, reminder.Name), scheduled)))
        {
            scheduled.Dispose();
        }
    }

    private sealed class Scheduled(string revision) : IDisposable
    {
        public string Revision { get; } = revision;

        public CancellationTokenSource Stopping { get; } = new();

        public void Dispose()
        {
            Stopping.Cancel();
            Stopping.Dispose();
        }
    }
}
