using System.Net;
using Conformance.Sdk.Actors.TestActors;
using Conformance.Sdk.Harness;

namespace Conformance.Sdk.Actors;

/// <summary>The SDK's state manager over the sidecar's actor state API (https://docs.dapr.io/reference/api/actors_api/):
/// changes are saved in one transaction when the turn ends and outlive the activation.</summary>
[Collection(ActorsCollection.Name)]
public sealed class ActorStateTests(ActorsApp actors)
{
    private static CancellationToken Aborted => TestContext.Current.CancellationToken;

    [Fact]
    public async Task State_set_in_a_turn_is_saved_when_the_turn_ends()
    {
        var id = ActorsApp.NewId("state");
        var actor = actors.Proxy<IStateActor>(id, nameof(StateActor));

        var seenDuringTheTurn = await actor.SetAndReadStore("first");

        Assert.Equal("204", seenDuringTheTurn);
        Assert.Equal("\"first\"", await ReadStoreAsync(id));
        Assert.Equal("first", await actor.Get());
    }

    [Fact]
    public async Task State_survives_deactivation_and_is_read_back_from_the_store()
    {
        var id = ActorsApp.NewId("state");
        var actor = actors.Proxy<IStateActor>(id, nameof(StateActor));
        await actor.Set("kept");

        await Poll.UntilAsync(() => actors.Probe.Count(id, "deactivated"), n => n == 1, "the idle actor to be deactivated");

        Assert.Equal("\"kept\"", await ReadStoreAsync(id));
        Assert.Equal("kept", await actor.Get());
        Assert.Equal(2, actors.Probe.Count(id, "activated"));
    }

    [Fact]
    public async Task Removed_state_is_gone_from_the_store()
    {
        var id = ActorsApp.NewId("state");
        var actor = actors.Proxy<IStateActor>(id, nameof(StateActor));
        await actor.Set("short-lived");

        await actor.Remove();

        Assert.Null(await actor.Get());
        using var stored = await actors.Sidecar.Http.GetAsync($"/v1.0/actors/{nameof(StateActor)}/{id}/state/{StateActor.Key}", Aborted);
        Assert.Equal(HttpStatusCode.NoContent, stored.StatusCode);
    }

    private async Task<string> ReadStoreAsync(string id)
    {
        using var stored = await actors.Sidecar.Http.GetAsync($"/v1.0/actors/{nameof(StateActor)}/{id}/state/{StateActor.Key}", Aborted);
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        return await stored.Content.ReadAsStringAsync(Aborted);
    }
}
