namespace Conformance.Sdk.Actors.TestActors;

/// <summary>The result of <see cref="ICounterActor.Increment"/>.</summary>
public sealed class CounterTotal
{
    public int Total { get; set; }
}
