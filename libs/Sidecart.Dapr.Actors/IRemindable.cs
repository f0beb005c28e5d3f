using System.Text.Json;

namespace Sidecart.Dapr.Actors;

/// <summary>Implemented by actors that register reminders: the sidecar delivers each firing as a turn.</summary>
public interface IRemindable
{
    /// <param name="reminderName">The name the reminder was registered under.</param>
    /// <param name="state">The reminder's <c>data</c>, verbatim as registered; null when it had none.</param>
    /// <param name="dueTime">The due time as registered (a Go or ISO-8601 duration, or an RFC3339 time).</param>
    /// <param name="period">The period as registered; empty for a one-shot reminder.</param>
    Task ReceiveReminderAsync(string reminderName, JsonElement? state, string dueTime, string period);
}
