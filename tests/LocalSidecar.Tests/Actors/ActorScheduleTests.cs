using LocalSidecar.Actors;

namespace LocalSidecar.Tests.Actors;

public sealed class ActorScheduleTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Theory]
    [InlineData("", 0)]
    [InlineData("0s", 0)]
    [InlineData("1m", 60_000)]
    [InlineData("0h0m3s0ms", 3000)]
    [InlineData("PT10S", 10_000)]
    [InlineData("PT", 0)]
    [InlineData("P1DT", 86_400_000)]
    [InlineData("P1DT2H", 93_600_000)]
    [InlineData("P1W", 604_800_000)]
    public void Relative_due_times_count_from_now(string dueTime, long milliseconds) =>
        Assert.Equal(Now + TimeSpan.FromMilliseconds(milliseconds), ActorTimeParser.ParseDueTime(dueTime, Now));

    [Theory]
    [InlineData("2026-01-02T03:05:05Z", 60)]
    [InlineData("2026-01-02T04:05:05+01:00", 60)]
    [InlineData("2026-01-02T03:04:15.250Z", 10.25)]
    public void An_RFC3339_due_time_is_absolute(string dueTime, double secondsFromNow) =>
        Assert.Equal(Now + TimeSpan.FromSeconds(secondsFromNow), ActorTimeParser.ParseDueTime(dueTime, Now));

    [Theory]
    [InlineData("soon")]
    [InlineData("-5s")]
    [InlineData("R5/PT1S")]
    [InlineData("P")]
    [InlineData("PT0.5S")]
    [InlineData("2026-01-02")]
    public void Rejects_malformed_due_times(string dueTime) =>
        Assert.Throws<FormatException>(() => ActorTimeParser.ParseDueTime(dueTime, Now));

    [Theory]
    [InlineData("1s", 1000, null)]
    [InlineData("PT10S", 10_000, null)]
    [InlineData("R5/PT10S", 10_000, 5)]
    [InlineData("R1/PT1M", 60_000, 1)]
    [InlineData("R2/P1DT", 86_400_000, 2)]
    public void Periods_carry_their_repetition_count(string period, long milliseconds, int? repetitions)
    {
        var (parsed, count) = ActorTimeParser.ParsePeriod(period);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), parsed);
        Assert.Equal(repetitions, count);
    }

    [Fact]
    public void An_empty_period_means_fire_once() => Assert.Equal((null, null), ActorTimeParser.ParsePeriod(""));

    [Theory]
    [InlineData("R0/PT10S")]
    [InlineData("R-1/PT10S")]
    [InlineData("R5/10s")]
    [InlineData("R5/PT0S")]
    [InlineData("R/PT2S")]
    [InlineData("R2/PT0.5S")]
    [InlineData("PT0.5S")]
    [InlineData("every second")]
    [InlineData("2026-01-02T03:05:05Z")]
    public void Rejects_malformed_periods(string period) =>
        Assert.Throws<FormatException>(() => ActorTimeParser.ParsePeriod(period));

    [Theory]
    [InlineData("R3/P1DT", true)]
    [InlineData("P1W", true)]
    [InlineData("P1Y", true)]
    [InlineData("P0DT5S", false)]
    [InlineData("R3/PT1S", false)]
    [InlineData("24h0m0s0ms", false)]
    [InlineData("", false)]
    public void Periods_with_years_months_weeks_or_days_are_told_apart(string period, bool calendar) =>
        Assert.Equal(calendar, ActorTimeParser.HasCalendarPart(period));

    [Fact]
    public void A_relative_ttl_counts_from_the_first_due_time()
    {
        var schedule = ActorSchedule.Parse("10s", "1s", "PT1M", Now);
        Assert.Equal(Now + TimeSpan.FromSeconds(70), schedule.Expiry);
    }

    [Fact]
    public void An_absolute_ttl_is_taken_as_is()
    {
        var schedule = ActorSchedule.Parse("", "1s", "2026-01-02T03:14:05Z", Now);
        Assert.Equal(Now + TimeSpan.FromMinutes(10), schedule.Expiry);
    }

    [Theory]
    [InlineData("1m", "2026-01-02T03:04:35Z")]
    [InlineData("", "2026-01-01T00:00:00Z")]
    public void A_ttl_ending_before_the_first_due_time_is_rejected(string dueTime, string ttl) =>
        Assert.Throws<FormatException>(() => ActorSchedule.Parse(dueTime, "1s", ttl, Now));

    [Fact]
    public void The_next_due_time_follows_the_period()
    {
        var schedule = ActorSchedule.Parse("", "5s", "", Now);
        Assert.Equal(Now + TimeSpan.FromSeconds(5), schedule.NextAfter(Now, Now + TimeSpan.FromMilliseconds(20), null));
    }

    [Fact]
    public void A_late_firing_resumes_the_period_from_the_firing_instead_of_catching_up()
    {
        var schedule = ActorSchedule.Parse("", "1s", "", Now);
        var firedAt = Now + TimeSpan.FromSeconds(10);
        Assert.Equal(firedAt + TimeSpan.FromSeconds(1), schedule.NextAfter(Now, firedAt, null));
    }

    [Fact]
    public void Repetitions_and_expiry_end_the_schedule()
    {
        var counted = ActorSchedule.Parse("", "R2/PT1S", "", Now);
        Assert.NotNull(counted.NextAfter(Now, Now, 1));
        Assert.Null(counted.NextAfter(Now, Now, 0));

        var expiring = ActorSchedule.Parse("", "1s", "1500ms", Now);
        Assert.NotNull(expiring.NextAfter(Now, Now, null));
        Assert.Null(expiring.NextAfter(Now + TimeSpan.FromSeconds(1), Now + TimeSpan.FromSeconds(1), null));

        var oneShot = ActorSchedule.Parse("1s", "", "", Now);
        Assert.Null(oneShot.NextAfter(oneShot.FirstDue, oneShot.FirstDue, null));
    }
}
