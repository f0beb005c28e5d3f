using LocalSidecar.Security;

namespace LocalSidecar.Tests.Scoping;

/// <summary>The one DAPR_API_TOKEN comparison both front ends use (fixed-time over the bytes), and the run's tokens.</summary>
public sealed class ApiTokenTests
{
    [Theory]
    [InlineData("s3cret", "s3cret", true)]
    [InlineData("s3creT", "s3cret", false)]
    [InlineData("s3cret ", "s3cret", false)]
    [InlineData("", "s3cret", false)]
    [InlineData(null, "s3cret", false)]
    [InlineData("ünï", "ünï", true)]
    public void Only_the_exact_token_matches(string? presented, string expected, bool matches) =>
        Assert.Equal(matches, ApiToken.Matches(presented, expected));

    [Fact]
    public void Run_tokens_are_random_per_app_and_never_shown_by_ToString()
    {
        var (first, second) = (RunApiTokens.Generate(), RunApiTokens.Generate());
        Assert.Equal(4, new[] { first.DaprApiToken, first.AppApiToken, second.DaprApiToken, second.AppApiToken }.Distinct().Count());
        Assert.Equal(43, first.DaprApiToken.Length);
        Assert.DoesNotContain(first.DaprApiToken, first.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(first.AppApiToken, first.ToString(), StringComparison.Ordinal);
    }
}
