using LocalSidecar.Runner;

namespace LocalSidecar.Tests;

public sealed class RunCommandLineTests
{
    [Fact]
    public void Reads_the_run_file_repeated_resources_paths_and_replicas()
    {
        var parsed = RunCommandLine.Parse(
            ["-f", "dapr.yaml", "--resources-path", "components/local", "--resources-path=/abs/other", "--replicas", "catalog=2", "--replicas=orders=3"],
            "/repo");
        Assert.Equal("/repo/dapr.yaml", parsed.RunFilePath);
        Assert.Equal(["/repo/components/local", "/abs/other"], parsed.ResourcesPaths);
        Assert.Equal(new Dictionary<string, int> { ["catalog"] = 2, ["orders"] = 3 }, parsed.Replicas);
    }

    [Fact]
    public void Without_a_file_the_current_folder_is_used()
    {
        var parsed = RunCommandLine.Parse([], "/repo");
        Assert.Equal("/repo", parsed.RunFilePath);
        Assert.Empty(parsed.ResourcesPaths);
        Assert.Empty(parsed.Replicas);
    }

    [Theory]
    [InlineData("--replicas", "catalog")]
    [InlineData("--replicas", "catalog=0")]
    [InlineData("--replicas", "=2")]
    [InlineData("--bogus", "x")]
    public void Bad_arguments_are_clear_errors(string flag, string value) =>
        Assert.Throws<ArgumentException>(() => RunCommandLine.Parse([flag, value], "/repo"));

    [Fact]
    public void The_dashboard_is_off_unless_asked_for()
    {
        Assert.False(RunCommandLine.Parse(["-f", "dapr.yaml"], "/repo").Dashboard);
        Assert.True(RunCommandLine.Parse(["-f", "dapr.yaml", "--dashboard"], "/repo").Dashboard);
        Assert.Throws<ArgumentException>(() => RunCommandLine.Parse(["--dashboard=yes"], "/repo"));
    }

    [Fact]
    public void A_flag_without_its_value_is_an_error() =>
        Assert.Throws<ArgumentException>(() => RunCommandLine.Parse(["-f"], "/repo"));

    [Fact]
    public void Api_tokens_are_generated_only_when_asked()
    {
        Assert.True(RunCommandLine.Parse(["-f", "dapr.yaml", "--generate-api-tokens"], "/repo").GenerateApiTokens);
        Assert.False(RunCommandLine.Parse(["-f", "dapr.yaml"], "/repo").GenerateApiTokens);
        Assert.Throws<ArgumentException>(() => RunCommandLine.Parse(["--generate-api-tokens=no"], "/repo"));
    }
}
