using System.Text.Json;

namespace Sidecart.Dapr;

/// <summary>A timer registration; unlike reminders, timers end when the actor deactivates.</summary>
public sealed record ActorTimer(string DueTime, string? Period = null, string? Ttl = null, string? Callback = null, JsonElement? Data = null)
{
    public static ActorTimer Create(TimeSpan dueTime, TimeSpan? period = null, TimeSpan? ttl = null, string? callback = null, JsonElement? data = null) =>
        new(DaprDuration.Format(dueTime), ActorReminder.FormatOptional(period), ActorReminder.FormatOptional(ttl), callback, data);
}
