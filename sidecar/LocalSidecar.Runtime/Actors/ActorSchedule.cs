using System.Globalization;
using System.Text.RegularExpressions;
using LocalSidecar.Components;

namespace LocalSidecar.Actors;

/// <summary>When a reminder or timer fires (https://docs.dapr.io/reference/api/actors_api/): the first due time, the period with an optional
/// repetition count, and the expiry.</summary>
public sealed record ActorSchedule(DateTimeOffset FirstDue, TimeSpan? Period, int? Repetitions, DateTimeOffset? Expiry)
{
    /// <summary>Parses the registered <c>dueTime</c>, <c>period</c> and <c>ttl</c> strings relative to <paramref name="now"/>.
    /// Throws <see cref="FormatException"/> with a message fit for the caller.</summary>
    public static ActorSchedule Parse(string? dueTime, string? period, string? ttl, DateTimeOffset now)
    {
        var firstDue = ActorTimeParser.ParseDueTime(dueTime, now);
        var (interval, repetitions) = ActorTimeParser.ParsePeriod(period);
        var expiry = ActorTimeParser.ParseTtl(ttl, firstDue);
        if (expiry is { } end && (end < now || end < firstDue))
        {
            throw new FormatException($"ttl '{ttl}' expires before the first due time");
        }

        return new ActorSchedule(firstDue, interval, repetitions, expiry);
    }

    /// <summary>The due time after a firing that was due at <paramref name="due"/> and happened at <paramref name="firedAt"/>
    /// with <paramref name="remaining"/> repetitions left afterwards; null when it must not fire again. A firing that
    /// was late (the sidecar was down) does not cause a burst: the next one is a full period after the late firing.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset due, DateTimeOffset firedAt, int? remaining)
    {
        if (Period is not { } period || remaining is <= 0)
        {
            return null;
        }

        var next = due + period;
        if (next <= firedAt)
        {
            next = firedAt + period;
        }

        return Expiry is { } end && next > end ? null : next;
    }
}

/// <summary>Parsing of the time strings of §5.3: Go durations, ISO 8601 durations (with <c>Rn/</c> repetitions for
/// periods) and RFC 3339 absolute times.</summary>
public static partial class ActorTimeParser
{
    private static readonly string[] CalendarParts = ["years", "months", "weeks", "days"];

    /// <summary>Empty means now; otherwise a Go or ISO 8601 duration from now, or an RFC 3339 time.</summary>
    public static DateTimeOffset ParseDueTime(string? text, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return now;
        }

        if (TryParseAbsolute(text, out var at))
        {
            return at;
        }

        if (TryParseDuration(text, out var delay) && delay >= TimeSpan.Zero)
        {
            return now + delay;
        }

        throw new FormatException($"error parsing dueTime '{text}': expected a Go duration (5s), an ISO 8601 duration (PT5S) or an RFC 3339 time");
    }

    /// <summary>Empty means fire once (no period). <c>Rn/&lt;ISO duration&gt;</c> limits the firings to n; without it
    /// the period repeats until deleted or expired.</summary>
    public static (TimeSpan? Period, int? Repetitions) ParsePeriod(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, null);
        }

        var match = Repetition().Match(text.Trim());
        if (match.Success)
        {
            if (!int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count <= 0)
            {
                throw new FormatException($"error parsing period '{text}': the repetition count must be at least 1");
            }

            int? repetitions = count;

            return TryParseIsoDuration(match.Groups[2].Value, out var repeated) && repeated > TimeSpan.Zero
                ? (repeated, repetitions)
                : throw new FormatException($"error parsing period '{text}': '{match.Groups[2].Value}' is not a positive ISO 8601 duration");
        }

        if (TryParseDuration(text, out var period) && period >= TimeSpan.Zero)
        {
            return period == TimeSpan.Zero ? (null, null) : (period, null);
        }

        throw new FormatException($"error parsing period '{text}': expected a Go duration (5s), an ISO 8601 duration (PT5S) or Rn/<ISO 8601 duration>");
    }

    /// <summary>Empty means no expiry; a relative ttl counts from the first due time.</summary>
    public static DateTimeOffset? ParseTtl(string? text, DateTimeOffset firstDue)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (TryParseAbsolute(text, out var at))
        {
            return at;
        }

        if (TryParseDuration(text, out var ttl) && ttl >= TimeSpan.Zero)
        {
            return firstDue + ttl;
        }

        throw new FormatException($"error parsing ttl '{text}': expected a Go duration (5s), an ISO 8601 duration (PT5S) or an RFC 3339 time");
    }

    /// <summary>True when <paramref name="period"/> is an ISO 8601 duration with years, months, weeks or days, which
    /// daprd's default, scheduler-backed reminders refuse ("unsupported period format": dapr/dapr
    /// pkg/actors/internal/reminders/storage/scheduler/scheduler.go, scheduleFromPeriod); timers take them.</summary>
    public static bool HasCalendarPart(string? period)
    {
        if (string.IsNullOrWhiteSpace(period))
        {
            return false;
        }

        var text = period.Trim();
        var repetition = Repetition().Match(text);
        var match = IsoDuration().Match(repetition.Success ? repetition.Groups[2].Value : text);
        return match.Success && CalendarParts.Any(part => match.Groups[part].Success && match.Groups[part].Value.Any(c => c != '0'));
    }

    private static bool TryParseDuration(string text, out TimeSpan duration) =>
        GoDuration.TryParse(text, out duration) || TryParseIsoDuration(text.Trim(), out duration);

    /// <summary>ISO 8601 durations as daprd reads them (dapr/kit time/time.go, ParseISO8601Duration):
    /// <c>P[nY][nM][nW][nD][T[nH][nM][nS]]</c> with whole numbers only, so <c>PT0.5S</c> is not one while <c>PT</c>
    /// and <c>P1DT</c> are; a year counts as 365 days and a month as 30.</summary>
    public static bool TryParseIsoDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var match = IsoDuration().Match(text);
        if (!match.Success || text == "P")
        {
            return false;
        }

        double Part(string name) => match.Groups[name].Success
            ? double.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture)
            : 0;

        var days = (Part("years") * 365) + (Part("months") * 30) + (Part("weeks") * 7) + Part("days");
        duration = TimeSpan.FromDays(days) + TimeSpan.FromHours(Part("hours")) + TimeSpan.FromMinutes(Part("minutes")) + TimeSpan.FromSeconds(Part("seconds"));
        return true;
    }

    private static bool TryParseAbsolute(string text, out DateTimeOffset at)
    {
        at = default;
        return Rfc3339().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at);
    }

    // daprd needs the count: "R/PT1S" is refused (dapr/kit time/time.go).
    [GeneratedRegex(@"^R(\d+)/(P.+)$")]
    private static partial Regex Repetition();

    [GeneratedRegex(@"^P(?:(?<years>\d+)Y)?(?:(?<months>\d+)M)?(?:(?<weeks>\d+)W)?(?:(?<days>\d+)D)?(?:T(?:(?<hours>\d+)H)?(?:(?<minutes>\d+)M)?(?:(?<seconds>\d+)S)?)?$")]
    private static partial Regex IsoDuration();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339();
}
