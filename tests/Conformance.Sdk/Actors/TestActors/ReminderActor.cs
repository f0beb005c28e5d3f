using Dapr;
using System.Text;
using Dapr.Actors.Runtime;

namespace Conformance.Sdk.Actors.TestActors;

public sealed class ReminderActor(ActorHost host, ActorProbe probe) : Actor(host), IReminderActor, IRemindable
{
    public const string ReminderName = "ping";

    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(150);

    public Task StartReminding(string payload) =>
        RegisterReminderAsync(ReminderName, Encoding.UTF8.GetBytes(payload), TimeSpan.Zero, Period);

    /// <summary>A whole second: the SDK sends a counted period as an ISO 8601 duration (<c>R2/PT1S</c>), which takes
    /// whole seconds only.</summary>
    public static readonly TimeSpan CountedPeriod = TimeSpan.FromSeconds(1);

    public Task StartRemindingTimes(string payload, int times) =>
        RegisterReminderAsync(ReminderName, Encoding.UTF8.GetBytes(payload), TimeSpan.Zero, CountedPeriod, times);

    public Task StopReminding() => UnregisterReminderAsync(ReminderName);

    /// <summary>A reminder that does not exist makes GetReminderAsync throw with daprd's 404 code (since daprd 1.17).</summary>
    public async Task<string> DescribeReminder()
    {
        try
        {
            return await GetReminderAsync(ReminderName) is { } reminder ? $"{Encoding.UTF8.GetString(reminder.State)}|{reminder.Period}" : "null";
        }
        catch (DaprApiException e) when (e.ErrorCode == "ERR_ACTOR_REMINDER_NOT_FOUND")
        {
            return "none";
        }
    }

    public Task ReceiveReminderAsync(string reminderName, byte[] state, TimeSpan dueTime, TimeSpan period)
    {
        probe.Record(Id.GetId(), "reminder", $"{reminderName}|{Encoding.UTF8.GetString(state)}|{dueTime}|{period}");
        return Task.CompletedTask;
    }
}
