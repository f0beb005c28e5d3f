using Dapr.Actors;

namespace Conformance.Sdk.Actors.TestActors;

public interface ICounterActor : IActor
{
    Task<CounterTotal> Increment(CounterIncrement increment);
}
