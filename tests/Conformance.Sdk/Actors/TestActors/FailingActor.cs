using Dapr.Actors.Runtime;

namespace Conformance.Sdk.Actors.TestActors;

public sealed class FailingActor(ActorHost host) : Actor(host), IFailingActor
{
    public Task Fail(string message) => throw new InvalidOperationException(message);
}
