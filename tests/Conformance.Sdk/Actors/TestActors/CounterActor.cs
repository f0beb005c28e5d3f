using Dapr.Actors.Runtime;

namespace Conformance.Sdk.Actors.TestActors;

/// <summary>Adds to a stored total; called through typed and weakly typed proxies alike.</summary>
public sealed class CounterActor(ActorHost host) : Actor(host), ICounterActor
{
    public async Task<CounterTotal> Increment(CounterIncrement increment)
    {
        var total = await StateManager.AddOrUpdateStateAsync("total", increment.Amount, (_, current) => current + increment.Amount);
        return new CounterTotal { Total = total };
    }
}
