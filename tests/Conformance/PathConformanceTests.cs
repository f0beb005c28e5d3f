using System.Net;
using Conformance.Harness;

namespace Conformance;

/// <summary>daprd routes on the cleaned request path (its HTTP server's clean-path middleware): SDKs whose endpoint ends
/// with a slash, such as the .NET actor proxy's default, send <c>//v1.0/...</c> and are served.</summary>
public sealed class PathConformanceTests
{
    [Fact]
    public async Task Repeated_slashes_and_a_trailing_slash_reach_the_same_api()
    {
        await using var sidecar = await SidecarHarness.StartAsync();
        var root = sidecar.Client.BaseAddress!.GetLeftPart(UriPartial.Authority);
        var key = $"path-{Guid.NewGuid():N}";

        using var save = await sidecar.Client.PostAsync(new Uri($"{root}//v1.0//state/statestore"), Json.Body($$"""[{"key":"{{key}}","value":"cleaned"}]"""));
        Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
        using var get = await sidecar.Client.GetAsync(new Uri($"{root}/v1.0/state/statestore/{key}/"));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("\"cleaned\"", await get.Content.ReadAsStringAsync());
        using var health = await sidecar.Client.GetAsync(new Uri($"{root}//v1.0/healthz/"));
        Assert.Equal(HttpStatusCode.NoContent, health.StatusCode);
    }
}
