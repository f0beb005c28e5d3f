using Conformance.Sdk.Actors.TestActors;
using Conformance.Sdk.Harness;

namespace Conformance.Sdk.Actors;

/// <summary><c>RegisterTimerAsync</c> / <c>UnregisterTimerAsync</c>: the sidecar calls the named callback with the
/// timer's data until the timer is removed.</summary>
[Collection(ActorsCollection.Name)]
public sealed class ActorTimerTests(ActorsApp actors)
{
    [Fact]
    public async Task A_timer_calls_its_callback_with_its_data_until_unregistered()
    {
        var id = ActorsApp.NewId("timer");
        var actor = actors.Proxy<ITimerActor>(id, nameof(TimerActor));

        await actor.StartTicking("tock");
        var ticks = await Poll.UntilAsync(() => actors.Probe.For(id, "tick"), t => t.Count >= 3, "three timer ticks");
        Assert.All(ticks, tick => Assert.Equal("tock", tick.Detail));

        await actor.StopTicking();
        // A tick already under way when the timer was removed may still land; after that, none for eight periods.
        var ceiling = actors.Probe.Count(id, "tick") + 1;
        await Poll.HoldsThroughoutAsync(() => actors.Probe.Count(id, "tick") <= ceiling, "no tick after UnregisterTimerAsync", TimerActor.Period * 8);
    }

    [Fact]
    public async Task A_timer_with_a_ttl_stops_on_its_own()
    {
        var id = ActorsApp.NewId("timer");
        const int Ttl = 350;

        await actors.Proxy<ITimerActor>(id, nameof(TimerActor)).StartTickingFor("brief", Ttl);

        await Poll.UntilAsync(() => actors.Probe.Count(id, "tick"), n => n >= 2, "two timer ticks");
        var most = (Ttl / (int)TimerActor.Period.TotalMilliseconds) + 2;
        await Poll.HoldsThroughoutAsync(() => actors.Probe.Count(id, "tick") <= most, $"at most {most} ticks within a {Ttl} ms ttl", TimeSpan.FromMilliseconds(Ttl) + (TimerActor.Period * 8));
    }
}
