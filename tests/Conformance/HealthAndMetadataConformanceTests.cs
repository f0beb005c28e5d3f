using System.Net;
using Conformance.Harness;

namespace Conformance;

/// <summary>https://docs.dapr.io/reference/api/ (health, metadata, shutdown) and https://docs.dapr.io/operations/security/ (API tokens).</summary>
public sealed class HealthAndMetadataConformanceTests
{
    [Fact]
    public async Task Healthz_and_outbound_are_204_when_ready()
    {
        await using var sidecar = await SidecarHarness.StartAsync();
        using var health = await sidecar.Client.GetAsync("/v1.0/healthz");
        using var outbound = await sidecar.Client.GetAsync("/v1.0/healthz/outbound");
        Assert.Equal(HttpStatusCode.NoContent, health.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, outbound.StatusCode);
    }

    [Fact]
    public async Task Healthz_with_another_app_id_is_500_ERR_HEALTH_APPID_NOT_MATCH()
    {
        await using var sidecar = await SidecarHarness.StartAsync();
        using var response = await sidecar.Client.GetAsync("/v1.0/healthz?appid=someone-else");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("ERR_HEALTH_APPID_NOT_MATCH", await Json.ErrorCodeAsync(response));
    }

    [Fact]
    public async Task Healthz_is_not_ready_until_the_app_port_answers()
    {
        SidecarHarness.RequireInProcess();
        // Bound but not listening until the app starts: connections are refused, and no other test can take the port
        // and answer in the app's place.
        using var holder = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        holder.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var port = ((System.Net.IPEndPoint)holder.LocalEndPoint!).Port;
        await using var sidecar = await SidecarHarness.StartAsync(configure: o => o with { AppPort = port });
        using (var before = await sidecar.Client.GetAsync("/v1.0/healthz"))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, before.StatusCode);
            Assert.Equal("ERR_HEALTH_NOT_READY", await Json.ErrorCodeAsync(before));
        }

        using (var outbound = await sidecar.Client.GetAsync("/v1.0/healthz/outbound"))
        {
            Assert.Equal(HttpStatusCode.NoContent, outbound.StatusCode);
        }

        holder.Dispose();
        await using var app = await TestApp.StartAsync(_ => { }, port);
        await sidecar.WaitReadyAsync();
    }

    [Fact]
    public async Task Metadata_lists_the_app_id_and_loaded_components()
    {
        await using var sidecar = await SidecarHarness.StartAsync();
        using var response = await sidecar.Client.GetAsync("/v1.0/metadata");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json.ReadAsync(response);
        Assert.False(string.IsNullOrEmpty(body["id"]!.GetValue<string>()));
        var names = body["components"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("secretstore", names);
        var secretstore = body["components"]!.AsArray().First(c => c!["name"]!.GetValue<string>() == "secretstore")!;
        Assert.Equal("secretstores.local.file", secretstore["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Metadata_put_adds_an_extended_attribute()
    {
        await using var sidecar = await SidecarHarness.StartAsync();
        using var put = await sidecar.Client.PutAsync("/v1.0/metadata/cliPID", Json.Body("1234", "text/plain"));
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        var body = await Json.ReadAsync(await sidecar.Client.GetAsync("/v1.0/metadata"));
        Assert.Equal("1234", body["extended"]!["cliPID"]!.GetValue<string>());
    }

    [Fact]
    public async Task Shutdown_answers_204_and_stops_the_sidecar()
    {
        SidecarHarness.RequireInProcess();
        await using var sidecar = await SidecarHarness.StartAsync();
        using var response = await sidecar.Client.PostAsync("/v1.0/shutdown", null);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await sidecar.Sidecar.Stopped.WaitAsync(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<HttpRequestException>(() => sidecar.Client.GetAsync("/v1.0/healthz"));
    }

    [Fact]
    public async Task With_an_api_token_calls_without_it_are_401_text_but_health_is_exempt()
    {
        SidecarHarness.RequireInProcess();
        await using var sidecar = await SidecarHarness.StartAsync(configure: o => o with { ApiToken = "t0ken" });
        using var denied = await sidecar.Client.GetAsync("/v1.0/metadata");
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Assert.Equal("invalid api token", await denied.Content.ReadAsStringAsync());

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/v1.0/metadata") { Headers = { { "dapr-api-token", "nope" } } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await sidecar.Client.SendAsync(wrong)).StatusCode);

        using var allowed = new HttpRequestMessage(HttpMethod.Get, "/v1.0/metadata") { Headers = { { "dapr-api-token", "t0ken" } } };
        Assert.Equal(HttpStatusCode.OK, (await sidecar.Client.SendAsync(allowed)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await sidecar.Client.GetAsync("/v1.0/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await sidecar.Client.GetAsync("/v1.0/healthz/outbound")).StatusCode);
    }

    [Fact]
    public async Task The_internal_api_is_not_reachable_on_the_public_port()
    {
        SidecarHarness.RequireInProcess();
        await using var sidecar = await SidecarHarness.StartAsync();
        using var response = await sidecar.Client.PostAsync("/_internal/invoke/x", null);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var internalClient = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{sidecar.Sidecar.InternalPort}") };
        Assert.Equal(HttpStatusCode.NotFound, (await internalClient.GetAsync("/v1.0/metadata")).StatusCode);
    }

    [Fact]
    public async Task A_busy_port_fails_startup_with_an_error_naming_it_and_leaves_nothing_behind()
    {
        SidecarHarness.RequireInProcess();
        await using var first = await SidecarHarness.StartAsync();
        var busy = first.Sidecar.HttpPort;
        var error = await Assert.ThrowsAnyAsync<IOException>(() => SidecarHarness.StartAsync(configure: o => o with { DaprHttpPort = busy }));
        Assert.Contains(busy.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);

        await using var second = await SidecarHarness.StartAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await second.Client.GetAsync("/v1.0/healthz")).StatusCode);
    }

    internal static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
