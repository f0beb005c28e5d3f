using Dapr.Actors;

namespace Conformance.Sdk.Actors.TestActors;

public interface ITimerActor : IActor
{
    /// <summary>Registers a timer that records a tick with <paramref name="label"/> as its data every <see cref="TimerActor.Period"/>.</summary>
    Task StartTicking(string label);

    /// <summary>As <see cref="StartTicking"/>, for <paramref name="ttlMilliseconds"/> only (the timer's <c>ttl</c>).</summary>
    Task StartTickingFor(string label, int ttlMilliseconds);

    Task StopTicking();
}
