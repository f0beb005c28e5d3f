using LocalSidecar.Components;

namespace LocalSidecar.Tests;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("500ms", 500)]
    [InlineData("5s", 5000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1.5s", 1500)]
    [InlineData("0h0m3s0ms", 3000)]
    public void Parses_go_durations(string text, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), GoDuration.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("5 s")]
    [InlineData("PT5S")]
    [InlineData("5x")]
    public void Rejects_what_is_not_a_go_duration(string text) => Assert.False(GoDuration.TryParse(text, out _));
}
