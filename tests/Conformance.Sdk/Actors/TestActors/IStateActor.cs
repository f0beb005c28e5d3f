using Dapr.Actors;

namespace Conformance.Sdk.Actors.TestActors;

public interface IStateActor : IActor
{
    Task Set(string value);

    /// <summary>Sets the value, then reads the state store through the sidecar before the turn ends.</summary>
    Task<string> SetAndReadStore(string value);

    /// <summary>The value, or null when there is none.</summary>
    Task<string?> Get();

    Task Remove();
}
