using System.Text.Json;

namespace Sidecart.Dapr;

/// <summary>
/// A reminder registration. Times are Go durations (<c>5s</c>), ISO-8601 durations (<c>PT5S</c>, <c>R3/PT5S</c>)
/// or RFC3339 times; an empty <see cref="Period"/> fires once. <see cref="Data"/> is handed back verbatim.
/// </summary>
public sealed record ActorReminder(string DueTime, string? Period = null, string? Ttl = null, JsonElement? Data = null)
{
    public static ActorReminder Create(TimeSpan dueTime, TimeSpan? period = null, TimeSpan? ttl = null, JsonElement? data = null) =>
        new(DaprDuration.Format(dueTime), FormatOptional(period), FormatOptional(ttl), data);

    internal static string? FormatOptional(TimeSpan? value) => value is { } v ? DaprDuration.Format(v) : null;
}
