using LocalSidecar.Hosting;

namespace LocalSidecar.Tests;

public sealed class SidecarCommandLineTests
{
    [Fact]
    public void Reads_daprd_flags_and_repeated_resources_paths()
    {
        var options = SidecarCommandLine.Parse(
            ["--app-id", "orders", "--app-port", "5000", "--dapr-http-port=3600", "--resources-path", "a", "--resources-path", "b", "--log-level", "debug", "--enable-app-health-check"],
            _ => null);
        Assert.Equal("orders", options.AppId);
        Assert.Equal(5000, options.AppPort);
        Assert.Equal(3600, options.DaprHttpPort);
        Assert.Equal(["a", "b"], options.ResourcesPaths);
        Assert.True(options.EnableAppHealthCheck);
    }

    [Fact]
    public void Falls_back_to_the_usual_environment_variables()
    {
        var env = new Dictionary<string, string>
        {
            ["APP_ID"] = "cart", ["DAPR_HTTP_PORT"] = "3555", ["DAPR_GRPC_PORT"] = "50555", ["DAPR_API_TOKEN"] = "t", ["APP_API_TOKEN"] = "a",
        };
        var options = SidecarCommandLine.Parse([], name => env.GetValueOrDefault(name));
        Assert.Equal(("cart", 3555, 50555, "t", "a"), (options.AppId, options.DaprHttpPort, options.DaprGrpcPort, options.ApiToken, options.AppApiToken));
        Assert.Null(options.AppPort);
    }

    [Fact]
    public void Metrics_default_to_daprds_port_9090_and_the_observability_flags_read_as_go_bools()
    {
        var defaults = SidecarCommandLine.Parse(["--app-id", "a"], _ => null);
        Assert.Equal((9090, (bool?)null, false), (defaults.MetricsPort, defaults.EnableApiLogging, defaults.LogAsJson));
        Assert.Null(SidecarCommandLine.Parse(["--app-id", "a", "--enable-metrics=false", "--metrics-port", "9191"], _ => null).MetricsPort);
        Assert.Equal(0, SidecarCommandLine.Parse(["--app-id", "a", "--metrics-port", "0"], _ => null).MetricsPort);
        Assert.True(SidecarCommandLine.Parse(["--app-id", "a", "--enable-api-logging", "--log-as-json"], _ => null).EnableApiLogging);
        Assert.False(SidecarCommandLine.Parse(["--app-id", "a", "--enable-api-logging=false"], _ => null).EnableApiLogging);
        Assert.True(SidecarCommandLine.Parse(["--app-id", "a", "--log-as-json"], _ => null).LogAsJson);
        Assert.Throws<ArgumentException>(() => SidecarCommandLine.Parse(["--app-id", "a", "--enable-metrics=maybe"], _ => null));
    }

    [Fact]
    public void The_gRPC_port_defaults_to_daprds_50001_and_the_flag_wins()
    {
        Assert.Equal(50001, SidecarCommandLine.Parse(["--app-id", "a"], _ => null).DaprGrpcPort);
        Assert.Equal(0, SidecarCommandLine.Parse(["--app-id", "a", "--dapr-grpc-port", "0"], name => name == "DAPR_GRPC_PORT" ? "50555" : null).DaprGrpcPort);
    }

    [Theory]
    [InlineData("--dapr-grpc-port", "70000")]
    [InlineData("--app-port", "x")]
    [InlineData("--app-protocol", "grpc")]
    [InlineData("--bogus", "1")]
    [InlineData("--log-level", "loud")]
    public void Bad_flags_are_clear_errors(string flag, string value) =>
        Assert.Throws<ArgumentException>(() => SidecarCommandLine.Parse(["--app-id", "a", flag, value], _ => null));

    [Fact]
    public void App_id_is_required() =>
        Assert.Contains("--app-id", Assert.Throws<ArgumentException>(() => SidecarCommandLine.Parse([], _ => null)).Message, StringComparison.Ordinal);
}
