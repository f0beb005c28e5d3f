using Dapr.Actors;

namespace Conformance.Sdk.Actors.TestActors;

public interface IFailingActor : IActor
{
    /// <summary>Throws <see cref="InvalidOperationException"/> with <paramref name="message"/>.</summary>
    Task Fail(string message);
}
