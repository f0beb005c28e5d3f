using Conformance.Sdk.Actors.TestActors;
using Conformance.Sdk.Harness;

namespace Conformance.Sdk.Actors;

/// <summary>Turn-based concurrency (https://docs.dapr.io/developing-applications/building-blocks/actors/actors-features-concepts/#turn-based-access):
/// one call at a time per actor, and without reentrancy (the SDK's default) not even the actor's own nested call.</summary>
[Collection(ActorsCollection.Name)]
public sealed class ActorConcurrencyTests(ActorsApp actors)
{
    [Fact]
    public async Task Two_concurrent_calls_to_one_actor_take_turns()
    {
        var id = ActorsApp.NewId("turns");
        var first = actors.Proxy<ITurnActor>(id, nameof(TurnActor));
        var second = actors.Proxy<ITurnActor>(id, nameof(TurnActor));

        await Task.WhenAll(first.Hold(300), second.Hold(300));

        var turns = actors.Probe.For(id, "enter").Concat(actors.Probe.For(id, "exit")).OrderBy(e => e.Sequence).Select(e => e.Kind);
        Assert.Equal(["enter", "exit", "enter", "exit"], turns);
    }

    [Fact]
    public async Task Calls_to_different_actors_run_at_the_same_time()
    {
        var (a, b) = (ActorsApp.NewId("turns"), ActorsApp.NewId("turns"));

        await Task.WhenAll(actors.Proxy<ITurnActor>(a, nameof(TurnActor)).Hold(300), actors.Proxy<ITurnActor>(b, nameof(TurnActor)).Hold(300));

        Assert.True(actors.Probe.For(b, "enter").Single().Sequence < actors.Probe.For(a, "exit").Single().Sequence
            && actors.Probe.For(a, "enter").Single().Sequence < actors.Probe.For(b, "exit").Single().Sequence,
            "two actors' calls did not overlap");
    }

    [Fact]
    public async Task Without_reentrancy_an_actors_call_to_itself_waits_for_its_own_turn()
    {
        var id = ActorsApp.NewId("turns");

        var outcome = await actors.Proxy<ITurnActor>(id, nameof(TurnActor)).CallItself();

        Assert.Equal("blocked", outcome);
    }
}
