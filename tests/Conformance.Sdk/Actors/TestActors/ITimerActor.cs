using Dapr.Actors;

namespace Conformance.Sdk.Actors.TestActors;

public interface ITimerActor : IActor
{
    /// <summary>Registers a timer that records a tick with <paramref name="label"/> as its data every <see cref="TimerActor.Period"/>.</summary>
    Task StartTicking(string label);

    Task StopTicking();
}
