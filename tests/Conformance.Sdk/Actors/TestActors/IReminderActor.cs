using Dapr.Actors;

namespace Conformance.Sdk.Actors.TestActors;

public interface IReminderActor : IActor
{
    /// <summary>Registers reminder <see cref="ReminderActor.ReminderName"/> with <paramref name="payload"/> as its state.</summary>
    Task StartReminding(string payload);

    /// <summary>Registers the reminder to fire <paramref name="times"/> times, <see cref="ReminderActor.CountedPeriod"/> apart.</summary>
    Task StartRemindingTimes(string payload, int times);

    Task StopReminding();

    /// <summary>The reminder as <c>GetReminderAsync</c> reads it back: <c>state|period</c>, or <c>none</c>.</summary>
    Task<string> DescribeReminder();
}
