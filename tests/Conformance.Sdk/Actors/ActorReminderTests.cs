using Conformance.Sdk.Actors.TestActors;
using Conformance.Sdk.Harness;

namespace Conformance.Sdk.Actors;

/// <summary><c>RegisterReminderAsync</c>, <c>GetReminderAsync</c>, <c>UnregisterReminderAsync</c> and
/// <c>IRemindable.ReceiveReminderAsync</c> over the sidecar's reminder API.</summary>
[Collection(ActorsCollection.Name)]
public sealed class ActorReminderTests(ActorsApp actors)
{
    /// <summary>daprd's default, scheduler-backed reminders fire with the state only (empty dueTime and period), which
    /// the SDK hands on as infinite time spans.</summary>
    [Fact]
    public async Task A_reminder_reaches_ReceiveReminderAsync_with_its_state_until_unregistered()
    {
        var id = ActorsApp.NewId("reminder");
        var actor = actors.Proxy<IReminderActor>(id, nameof(ReminderActor));

        await actor.StartReminding("state payload");
        var fired = await Poll.UntilAsync(() => actors.Probe.For(id, "reminder"), r => r.Count >= 2, "two reminder firings");
        Assert.All(fired, reminder => Assert.Equal($"{ReminderActor.ReminderName}|state payload|{Timeout.InfiniteTimeSpan}|{Timeout.InfiniteTimeSpan}", reminder.Detail));

        await actor.StopReminding();
        var ceiling = actors.Probe.Count(id, "reminder") + 1;
        await Poll.HoldsThroughoutAsync(() => actors.Probe.Count(id, "reminder") <= ceiling, "no reminder after UnregisterReminderAsync", ReminderActor.Period * 8);
    }

    /// <summary>A missing reminder is daprd's 404 ERR_ACTOR_REMINDER_NOT_FOUND (since 1.17), on which the SDK's
    /// GetReminderAsync throws DaprApiException with that code.</summary>
    [Fact]
    public async Task GetReminderAsync_reads_a_registered_reminder_back_and_throws_not_found_once_it_is_unregistered()
    {
        var id = ActorsApp.NewId("reminder");
        var actor = actors.Proxy<IReminderActor>(id, nameof(ReminderActor));
        Assert.Equal("none", await actor.DescribeReminder());

        await actor.StartReminding("read me");
        Assert.Equal($"read me|{ReminderActor.Period}", await actor.DescribeReminder());

        await actor.StopReminding();
        Assert.Equal("none", await actor.DescribeReminder());
    }

    [Fact]
    public async Task A_reminder_with_repetitions_fires_that_many_times_and_is_then_gone()
    {
        var id = ActorsApp.NewId("reminder");
        var actor = actors.Proxy<IReminderActor>(id, nameof(ReminderActor));

        await actor.StartRemindingTimes("twice", 2);

        await Poll.UntilAsync(() => actors.Probe.Count(id, "reminder"), n => n >= 2, "two reminder firings");
        await Poll.HoldsThroughoutAsync(() => actors.Probe.Count(id, "reminder") == 2, "exactly two firings", ReminderActor.CountedPeriod * 2.5);
        Assert.Equal("none", await actor.DescribeReminder());
    }
}
