using System.Text;
using Dapr.Actors.Runtime;

namespace Conformance.Sdk.Actors.TestActors;

public sealed class TimerActor(ActorHost host, ActorProbe probe) : Actor(host), ITimerActor
{
    public const string TimerName = "ticker";

    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    public Task StartTicking(string label) =>
        RegisterTimerAsync(TimerName, nameof(TickAsync), Encoding.UTF8.GetBytes(label), TimeSpan.Zero, Period);

    public Task StartTickingFor(string label, int ttlMilliseconds) =>
        RegisterTimerAsync(TimerName, nameof(TickAsync), Encoding.UTF8.GetBytes(label), TimeSpan.Zero, Period, TimeSpan.FromMilliseconds(ttlMilliseconds));

    public Task StopTicking() => UnregisterTimerAsync(TimerName);

    /// <summary>The timer callback, found by name.</summary>
    public Task TickAsync(byte[] data)
    {
        probe.Record(Id.GetId(), "tick", Encoding.UTF8.GetString(data));
        return Task.CompletedTask;
    }
}
