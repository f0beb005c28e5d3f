using Dapr.Actors;

namespace Conformance.Sdk.Actors.TestActors;

public interface ITurnActor : IActor
{
    /// <summary>Records entering, waits <paramref name="milliseconds"/>, records leaving.</summary>
    Task Hold(int milliseconds);

    /// <summary>Calls <see cref="Hold"/> on this very actor through the sidecar, giving up after
    /// <see cref="TurnActor.NestedCallTimeout"/>: <c>entered</c> when the nested call ran, <c>blocked</c> when it
    /// waited for this turn to end.</summary>
    Task<string> CallItself();
}
