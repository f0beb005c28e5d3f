using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Sidecart.Dapr.Tests.Support;

namespace Sidecart.Dapr.Tests.Client;

public sealed class OptionsAndRegistrationTests : FakeSidecarTest
{
    [Fact]
    public void The_endpoint_defaults_to_loopback_port_3500()
    {
        var options = new DaprClientOptions().ApplyEnvironment(_ => null);

        Assert.Equal(new Uri("http://127.0.0.1:3500"), options.HttpEndpoint);
        Assert.Null(options.ApiToken);
        Assert.Equal(TimeSpan.FromSeconds(60), options.SidecarHealthTimeout);
    }

    [Fact]
    public void The_endpoint_follows_dapr_http_port()
    {
        var options = new DaprClientOptions().ApplyEnvironment(Variables(("DAPR_HTTP_PORT", "3601")));

        Assert.Equal(new Uri("http://127.0.0.1:3601"), options.HttpEndpoint);
    }

    [Fact]
    public void Dapr_http_endpoint_wins_over_the_port_and_token_and_health_timeout_are_read()
    {
        var options = new DaprClientOptions().ApplyEnvironment(Variables(
            ("DAPR_HTTP_ENDPOINT", "http://sidecar:3500"), ("DAPR_HTTP_PORT", "3601"), ("DAPR_API_TOKEN", "t"), ("DAPR_HEALTH_TIMEOUT", "2.5")));

        Assert.Equal(new Uri("http://sidecar:3500"), options.HttpEndpoint);
        Assert.Equal("t", options.ApiToken);
        Assert.Equal(TimeSpan.FromSeconds(2.5), options.SidecarHealthTimeout);
    }

    [Fact]
    public async Task AddDaprClient_configures_the_client_from_configuration()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["DAPR_HTTP_ENDPOINT"] = Sidecar.Endpoint.ToString(), ["DAPR_API_TOKEN"] = "from-config" })
            .Build());
        services.AddDaprClient();
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<DaprClient>().SaveStateAsync("statestore", "k", 1, TestJsonContext.Default.Int32, cancellationToken: Ct);

        Assert.Equal("/v1.0/state/statestore", Sidecar.SingleRequest.Path);
        Assert.Equal("from-config", Sidecar.SingleRequest.Header("dapr-api-token"));
    }

    [Theory]
    [InlineData(0, "0h0m0s0ms")]
    [InlineData(1500, "0h0m1s500ms")]
    [InlineData(90_061_000, "25h1m1s0ms")]
    public void Durations_are_formatted_as_go_durations(long milliseconds, string expected) =>
        Assert.Equal(expected, DaprDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));

    private static Func<string, string?> Variables(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;
}
