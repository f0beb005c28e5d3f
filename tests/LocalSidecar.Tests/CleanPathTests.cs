using LocalSidecar.Api;

namespace LocalSidecar.Tests;

/// <summary>The request path as daprd routes it: Go's <c>path.Clean</c>.</summary>
public sealed class CleanPathTests
{
    [Theory]
    [InlineData("/v1.0/metadata", "/v1.0/metadata")]
    [InlineData("//v1.0//actors/Sku/A/method/Reserve", "/v1.0/actors/Sku/A/method/Reserve")]
    [InlineData("/v1.0/healthz/", "/v1.0/healthz")]
    [InlineData("/v1.0/./state/s/../s/k", "/v1.0/state/s/k")]
    [InlineData("/../../v1.0/metadata", "/v1.0/metadata")]
    [InlineData("/v1.0/state/s/a%2Fb", "/v1.0/state/s/a%2Fb")]
    [InlineData("/", "/")]
    public void Cleans_like_go(string path, string cleaned) => Assert.Equal(cleaned, CleanPath.Clean(path));
}
