using LocalSidecar.Components;

namespace LocalSidecar.Tests;

public sealed class ConfigurationLoaderTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Reads_secret_scopes_and_features()
    {
        var file = _dir.Write("config.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata: {name: appconfig}
            spec:
              tracing: {samplingRate: "1"}
              features:
              - {name: ActorStateTTL, enabled: true}
              secrets:
                scopes:
                - {storeName: a, defaultAccess: deny, deniedSecrets: [x]}
            """);
        var config = ConfigurationLoader.Load(file);
        Assert.True(config.IsEnabled("ActorStateTTL"));
        Assert.False(config.IsEnabled("HotReload"));
        Assert.False(config.AllowsSecret("a", "y"));
        Assert.True(config.AllowsSecret("other-store", "y"));
    }

    [Fact]
    public void A_bad_default_access_names_the_field()
    {
        var file = _dir.Write("config.yaml", "kind: Configuration\nspec:\n  secrets:\n    scopes:\n    - {storeName: a, defaultAccess: maybe}\n");
        var error = Assert.Throws<ResourceException>(() => ConfigurationLoader.Load(file));
        Assert.Equal("spec.secrets.scopes[0].defaultAccess", error.Field);
    }

    [Fact]
    public void Default_access_is_read_case_insensitively_as_daprd_reads_it()
    {
        var file = _dir.Write("config.yaml", "kind: Configuration\nspec:\n  secrets:\n    scopes:\n    - {storeName: a, defaultAccess: Deny}\n");
        Assert.False(ConfigurationLoader.Load(file).AllowsSecret("a", "x"));
    }

    [Fact]
    public void A_missing_file_is_an_error() =>
        Assert.Throws<ResourceException>(() => ConfigurationLoader.Load(Path.Combine(_dir.Path, "none.yaml")));
}
