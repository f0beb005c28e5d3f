using System.Text;
using Dapr.Actors.Runtime;

namespace Conformance.Sdk.Actors.TestActors;

public sealed class ReminderActor(ActorHost host, ActorProbe probe) : Actor(host), IReminderActor, IRemindable
{
    public const string ReminderName = "ping";

    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(150);

    public Task StartReminding(string payload) =>
        RegisterReminderAsync(ReminderName, Encoding.UTF8.GetBytes(payload), TimeSpan.Zero, Period);

    public Task StopReminding() => UnregisterReminderAsync(ReminderName);

    public async Task<string> DescribeReminder() =>
        await GetReminderAsync(ReminderName) is { } reminder
            ? $"{Encoding.UTF8.GetString(reminder.State)}|{reminder.Period}"
            : "none";

    public Task ReceiveReminderAsync(string reminderName, byte[] state, TimeSpan dueTime, TimeSpan period)
    {
        probe.Record(Id.GetId(), "reminder", $"{reminderName}|{Encoding.UTF8.GetString(state)}|{dueTime}|{period}");
        return Task.CompletedTask;
    }
}
