using System.Globalization;

namespace Sidecart.Dapr;

/// <summary>Formats a <see cref="TimeSpan"/> as the Go duration string daprd parses for reminders and timers.</summary>
public static class DaprDuration
{
    public static string Format(TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Durations must not be negative.");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{(long)value.TotalHours}h{value.Minutes}m{value.Seconds}s{value.Milliseconds}ms");
    }
}
