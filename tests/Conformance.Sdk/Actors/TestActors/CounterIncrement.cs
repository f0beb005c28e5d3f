namespace Conformance.Sdk.Actors.TestActors;

/// <summary>The argument of <see cref="ICounterActor.Increment"/>: a plain class, so both the remoting serializer of a
/// typed proxy and the JSON of a weakly typed one can carry it.</summary>
public sealed class CounterIncrement
{
    public int Amount { get; set; }
}
