using LocalSidecar.Hosting;

namespace LocalSidecar.Tests.Scoping;

public sealed class ByteQuantityTests
{
    [Theory]
    [InlineData("4Mi", 4L * 1024 * 1024)]
    [InlineData("512Ki", 512L * 1024)]
    [InlineData("10M", 10_000_000L)]
    [InlineData("1048576", 1048576L)]
    [InlineData("1.5Ki", 1536L)]
    public void Reads_daprds_sizes(string text, long bytes)
    {
        Assert.True(ByteQuantity.TryParse(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("4MB")]
    [InlineData("-1")]
    [InlineData("4Gi")]
    public void Refuses_what_is_not_a_size_or_too_large(string text) => Assert.False(ByteQuantity.TryParse(text, out _));

    [Fact]
    public void The_command_line_takes_the_flag_and_defaults_to_4Mi()
    {
        Assert.Equal(4L * 1024 * 1024, SidecarCommandLine.Parse(["--app-id", "a"], _ => null).MaxBodySize);
        Assert.Equal(16L * 1024 * 1024, SidecarCommandLine.Parse(["--app-id", "a", "--max-body-size", "16Mi"], _ => null).MaxBodySize);
        Assert.Throws<ArgumentException>(() => SidecarCommandLine.Parse(["--app-id", "a", "--max-body-size", "lots"], _ => null));
    }
}
