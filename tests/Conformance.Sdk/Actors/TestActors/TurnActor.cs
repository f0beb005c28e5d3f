using Dapr.Actors.Client;
using Dapr.Actors.Runtime;

namespace Conformance.Sdk.Actors.TestActors;

public sealed class TurnActor(ActorHost host, ActorProbe probe, SidecarEndpoint sidecar) : Actor(host), ITurnActor
{
    public static readonly TimeSpan NestedCallTimeout = TimeSpan.FromSeconds(1);

    public async Task Hold(int milliseconds)
    {
        probe.Record(Id.GetId(), "enter");
        await Task.Delay(milliseconds);
        probe.Record(Id.GetId(), "exit");
    }

    public async Task<string> CallItself()
    {
        var self = ProxyFactory.CreateActorProxy<ITurnActor>(Id, Host.ActorTypeInfo.ActorTypeName, new ActorProxyOptions
        {
            HttpEndpoint = sidecar.Http.GetLeftPart(UriPartial.Authority),
            RequestTimeout = NestedCallTimeout,
        });
        try
        {
            await self.Hold(0);
            return "entered";
        }
        catch (TaskCanceledException)
        {
            return "blocked";
        }
    }
}
