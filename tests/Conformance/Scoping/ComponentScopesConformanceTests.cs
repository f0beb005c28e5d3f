using System.Net;
using Conformance.Harness;

namespace Conformance.Scoping;

/// <summary>A Component's top-level <c>scopes</c> (https://docs.dapr.io/operations/components/component-scopes/): a
/// sidecar whose app id is not listed does not load it, so it is absent from the metadata and using it gets daprd's
/// "not found" error.</summary>
public sealed class ComponentScopesConformanceTests
{
    private const string ScopedComponents = """
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: private-state
        spec:
          type: state.in-memory
          version: v1
        scopes: [owner]
        ---
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: private-pubsub
        spec:
          type: pubsub.in-memory
          version: v1
        scopes: [owner, other-owner]
        ---
        apiVersion: dapr.io/v1alpha1
        kind: Component
        metadata:
          name: shared-state
        spec:
          type: state.in-memory
          version: v1
        scopes: []
        """;

    [Theory]
    [InlineData("owner", true)]
    [InlineData("stranger", false)]
    [InlineData("Owner", false)]
    public async Task Only_the_apps_in_scope_load_the_component(string appId, bool loads)
    {
        SidecarHarness.RequireInProcess();
        using var folder = new TempResources();
        folder.Write("scoped.yaml", ScopedComponents);
        await using var sidecar = await SidecarHarness.StartAsync(appId, resourcesPaths: [folder.Path]);

        var metadata = await Json.ReadAsync(await sidecar.Client.GetAsync("/v1.0/metadata"));
        var names = metadata["components"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("shared-state", names);
        Assert.Equal(loads, names.Contains("private-state"));
        Assert.Equal(loads, names.Contains("private-pubsub"));

        using var saved = await sidecar.Client.PostAsync("/v1.0/state/private-state", Json.Body("""[{"key":"k","value":1}]"""));
        using var published = await sidecar.Client.PostAsync("/v1.0/publish/private-pubsub/t", Json.Body("{}"));
        if (loads)
        {
            Assert.Equal(HttpStatusCode.NoContent, saved.StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, published.StatusCode);
        }
        else
        {
            Assert.Equal(HttpStatusCode.BadRequest, saved.StatusCode);
            Assert.Equal("ERR_STATE_STORE_NOT_FOUND", await Json.ErrorCodeAsync(saved));
            Assert.Equal(HttpStatusCode.NotFound, published.StatusCode);
            Assert.Equal("ERR_PUBSUB_NOT_FOUND", await Json.ErrorCodeAsync(published));
        }
    }
}
