using System.Net;
using Conformance.Harness;

namespace Conformance.Scoping;

/// <summary>The Configuration's <c>spec.api</c> lists over HTTP (https://docs.dapr.io/operations/configuration/api-allowlist/):
/// daprd does not register a route they close, so the call meets the invocation fallback (404
/// <c>ERR_DIRECT_INVOKE</c> without <c>dapr-app-id</c>) or, with invocation closed too, the router's plain 404. The
/// health routes are always open; the metadata API is not.</summary>
public sealed class ApiAllowListConformanceTests
{
    private static async Task<(SidecarHarness Sidecar, TempResources Folder)> StartAsync(string api)
    {
        SidecarHarness.RequireInProcess();
        var folder = new TempResources();
        folder.Write("config.yaml", $"""
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata:
              name: api-rules
            spec:
              api:
            {api}
            """);
        var sidecar = await SidecarHarness.StartAsync("api-rules", configure: o => o with { ConfigPath = Path.Combine(folder.Path, "config.yaml") });
        return (sidecar, folder);
    }

    private static Task<HttpResponseMessage> SaveStateAsync(SidecarHarness sidecar) =>
        sidecar.Client.PostAsync("/v1.0/state/statestore", Json.Body("""[{"key":"k","value":1}]"""));

    private static Task<HttpResponseMessage> PublishAsync(SidecarHarness sidecar) =>
        sidecar.Client.PostAsync("/v1.0/publish/pubsub/orders", Json.Body("{}"));

    [Fact]
    public async Task An_allow_list_serves_only_its_apis_and_the_rest_answer_the_routers_404()
    {
        var (sidecar, folder) = await StartAsync("""
                allowed:
                - {name: state, version: v1, protocol: http}
            """);
        await using var _ = sidecar;
        using var __ = folder;

        using var saved = await SaveStateAsync(sidecar);
        Assert.Equal(HttpStatusCode.NoContent, saved.StatusCode);

        foreach (var closed in new[] { PublishAsync(sidecar), sidecar.Client.GetAsync("/v1.0/metadata"), sidecar.Client.GetAsync("/v1.0/invoke/x/method/y") })
        {
            using var response = await closed;
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("404 page not found\n", await response.Content.ReadAsStringAsync());
        }

        using var health = await sidecar.Client.GetAsync("/v1.0/healthz");
        Assert.Equal(HttpStatusCode.NoContent, health.StatusCode);
    }

    [Fact]
    public async Task A_deny_list_in_the_url_form_closes_its_api_which_then_falls_to_invocation()
    {
        var (sidecar, folder) = await StartAsync("""
                denied:
                - {name: publish, version: v1.0, protocol: HTTP}
            """);
        await using var _ = sidecar;
        using var __ = folder;

        using var published = await PublishAsync(sidecar);
        Assert.Equal(HttpStatusCode.NotFound, published.StatusCode);
        var body = await Json.ReadAsync(published);
        Assert.Equal("ERR_DIRECT_INVOKE", body["errorCode"]!.GetValue<string>());
        Assert.Equal("failed getting app id either from the URL path or the header dapr-app-id", body["message"]!.GetValue<string>());

        using var saved = await SaveStateAsync(sidecar);
        Assert.Equal(HttpStatusCode.NoContent, saved.StatusCode);
        using var metadata = await sidecar.Client.GetAsync("/v1.0/metadata");
        Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
    }

    [Fact]
    public async Task Deny_wins_over_allow_and_healthz_cannot_be_closed()
    {
        var (sidecar, folder) = await StartAsync("""
                allowed:
                - {name: state, version: v1, protocol: http}
                - {name: metadata, version: v1, protocol: http}
                denied:
                - {name: state, version: v1, protocol: http}
                - {name: healthz, version: v1, protocol: http}
            """);
        await using var _ = sidecar;
        using var __ = folder;

        using var saved = await SaveStateAsync(sidecar);
        Assert.Equal(HttpStatusCode.NotFound, saved.StatusCode);
        using var metadata = await sidecar.Client.GetAsync("/v1.0/metadata");
        Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
        using var health = await sidecar.Client.GetAsync("/v1.0/healthz");
        Assert.Equal(HttpStatusCode.NoContent, health.StatusCode);
    }

    [Fact]
    public async Task Rules_for_grpc_leave_the_http_api_open()
    {
        var (sidecar, folder) = await StartAsync("""
                denied:
                - {name: state, version: v1, protocol: grpc}
            """);
        await using var _ = sidecar;
        using var __ = folder;
        using var saved = await SaveStateAsync(sidecar);
        Assert.Equal(HttpStatusCode.NoContent, saved.StatusCode);
    }

    [Fact]
    public async Task The_alpha_routes_have_their_own_group_version()
    {
        var (sidecar, folder) = await StartAsync("""
                denied:
                - {name: workflows, version: v1beta1, protocol: http}
            """);
        await using var _ = sidecar;
        using var __ = folder;
        using var beta = await sidecar.Client.GetAsync("/v1.0-beta1/workflows/dapr/missing");
        Assert.Equal("ERR_DIRECT_INVOKE", await Json.ErrorCodeAsync(beta));
        using var stable = await sidecar.Client.GetAsync("/v1.0/workflows/dapr/missing");
        Assert.NotEqual("ERR_DIRECT_INVOKE", await Json.ErrorCodeAsync(stable));
    }
}
