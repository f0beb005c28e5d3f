using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Sidecart.ServiceDefaults.Tests;

public sealed class AppPortBindingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_app_listens_on_APP_PORT_on_loopback_only_by_default()
    {
        var port = FreePort();
        await using var app = await StartAsync(new() { ["APP_PORT"] = Port(port) });

        Assert.Equal([$"http://127.0.0.1:{port}"], Addresses(app));
        Assert.Equal(HttpStatusCode.OK, await HealthAsync(IPAddress.Loopback, port));
        if (NonLoopbackAddress() is { } outside)
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => HealthAsync(outside, port));
        }
    }

    [Fact]
    public async Task With_App_BindAll_the_app_listens_on_APP_PORT_on_every_interface()
    {
        var port = FreePort();
        await using var app = await StartAsync(new() { ["APP_PORT"] = Port(port), ["App:BindAll"] = "true", ["APP_CHANNEL_ADDRESS"] = "127.0.0.1" });

        Assert.Equal([$"http://[::]:{port}"], Addresses(app));
        Assert.Equal(HttpStatusCode.OK, await HealthAsync(IPAddress.Loopback, port));
        var outside = NonLoopbackAddress();
        Assert.SkipWhen(outside is null, "this machine has no non-loopback IPv4 address to connect through");
        Assert.Equal(HttpStatusCode.OK, await HealthAsync(outside!, port));
    }

    [Fact]
    public async Task Explicit_urls_win_over_APP_PORT_and_App_BindAll()
    {
        var (appPort, urlsPort) = (FreePort(), FreePort());
        await using var app = await StartAsync(new()
        {
            ["APP_PORT"] = Port(appPort),
            ["App:BindAll"] = "true",
            ["urls"] = $"http://127.0.0.1:{Port(urlsPort)}",
        });

        Assert.Equal([$"http://127.0.0.1:{urlsPort}"], Addresses(app));
        Assert.Equal(HttpStatusCode.OK, await HealthAsync(IPAddress.Loopback, urlsPort));
    }

    private static async Task<WebApplication> StartAsync(Dictionary<string, string?> configuration)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            // Hide what the environment may set, so each test sees only its own settings.
            ["ASPNETCORE_URLS"] = null,
            ["urls"] = null,
            ["App:BindAll"] = null,
            ["APP_CHANNEL_ADDRESS"] = null,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = null,
        });
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddServiceDefaults();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync(Ct);
        return app;
    }

    private static string[] Addresses(WebApplication app) =>
        [.. app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses];

    private static async Task<HttpStatusCode> HealthAsync(IPAddress address, int port)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var response = await client.GetAsync(new UriBuilder("http", address.ToString(), port, "/healthz").Uri, Ct);
        return response.StatusCode;
    }

    private static IPAddress? NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.OperationalStatus == OperationalStatus.Up && i.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
