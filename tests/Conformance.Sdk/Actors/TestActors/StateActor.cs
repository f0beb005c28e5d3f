using Dapr.Actors.Runtime;

namespace Conformance.Sdk.Actors.TestActors;

/// <summary>Keeps one string under <see cref="Key"/> with the SDK's state manager; goes idle quickly (see
/// <see cref="ActorsApp"/>) so tests can watch it deactivate and reload its state.</summary>
public sealed class StateActor(ActorHost host, ActorProbe probe, SidecarEndpoint sidecar) : Actor(host), IStateActor
{
    public const string Key = "value";

    public Task Set(string value) => StateManager.SetStateAsync(Key, value);

    public async Task<string> SetAndReadStore(string value)
    {
        await StateManager.SetStateAsync(Key, value);
        using var client = new HttpClient { BaseAddress = sidecar.Http };
        using var stored = await client.GetAsync($"/v1.0/actors/{Host.ActorTypeInfo.ActorTypeName}/{Id}/state/{Key}");
        return $"{(int)stored.StatusCode} {await stored.Content.ReadAsStringAsync()}".TrimEnd();
    }

    public async Task<string?> Get()
    {
        var value = await StateManager.TryGetStateAsync<string>(Key);
        return value.HasValue ? value.Value : null;
    }

    public Task Remove() => StateManager.TryRemoveStateAsync(Key);

    protected override Task OnActivateAsync()
    {
        probe.Record(Id.GetId(), "activated");
        return Task.CompletedTask;
    }

    protected override Task OnDeactivateAsync()
    {
        probe.Record(Id.GetId(), "deactivated");
        return Task.CompletedTask;
    }
}
