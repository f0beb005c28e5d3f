using System.Net;
using Conformance.Harness;

namespace Conformance;

/// <summary>https://docs.dapr.io/reference/api/secrets_api/ and the secretstores.local.file / local.env components.</summary>
public sealed class SecretsConformanceTests : IAsyncLifetime
{
    private SidecarHarness _sidecar = null!;

    public async ValueTask InitializeAsync() => _sidecar = await SidecarHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _sidecar.DisposeAsync();

    [Fact]
    public async Task Get_returns_the_secret_as_a_name_value_object()
    {
        using var response = await _sidecar.Client.GetAsync("/v1.0/secrets/secretstore/db-password");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("s3cret", (await Json.ReadAsync(response))["db-password"]!.GetValue<string>());
    }

    [Fact]
    public async Task Nested_keys_are_flattened_with_the_default_separator()
    {
        using var response = await _sidecar.Client.GetAsync("/v1.0/secrets/secretstore/redis:password");
        Assert.Equal("r3dis", (await Json.ReadAsync(response))["redis:password"]!.GetValue<string>());
        using var list = await _sidecar.Client.GetAsync("/v1.0/secrets/secretstore/list:1");
        Assert.Equal("b", (await Json.ReadAsync(list))["list:1"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_missing_secret_in_a_file_store_is_500_ERR_SECRET_GET()
    {
        using var response = await _sidecar.Client.GetAsync("/v1.0/secrets/secretstore/redis");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("ERR_SECRET_GET", await Json.ErrorCodeAsync(response));
    }

    [Fact]
    public async Task An_unknown_store_is_401_ERR_SECRET_STORE_NOT_FOUND()
    {
        using var response = await _sidecar.Client.GetAsync("/v1.0/secrets/nostore/db-password");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("ERR_SECRET_STORE_NOT_FOUND", await Json.ErrorCodeAsync(response));
    }

    [Fact]
    public async Task Bulk_returns_every_secret_keyed_by_name()
    {
        using var response = await _sidecar.Client.GetAsync("/v1.0/secrets/secretstore/bulk");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json.ReadAsync(response);
        Assert.Equal("s3cret", body["db-password"]!["db-password"]!.GetValue<string>());
        Assert.Equal("localhost:6379", body["redis:host"]!["redis:host"]!.GetValue<string>());
    }

    [Fact]
    public async Task Env_store_reads_prefixed_variables_and_answers_missing_ones_with_an_empty_value()
    {
        SidecarHarness.RequireInProcess();
        Environment.SetEnvironmentVariable("CONFORMANCE_GREETING", "hello");
        using var present = await _sidecar.Client.GetAsync("/v1.0/secrets/envsecrets/GREETING");
        Assert.Equal("hello", (await Json.ReadAsync(present))["GREETING"]!.GetValue<string>());

        using var missing = await _sidecar.Client.GetAsync("/v1.0/secrets/envsecrets/NOT_SET_ANYWHERE");
        Assert.Equal(HttpStatusCode.OK, missing.StatusCode);
        Assert.Equal("", (await Json.ReadAsync(missing))["NOT_SET_ANYWHERE"]!.GetValue<string>());
    }
}

/// <summary>https://docs.dapr.io/developing-applications/building-blocks/secrets/secrets-scopes/: secret scopes from the Configuration given by <c>--config</c>.</summary>
public sealed class SecretScopeConformanceTests : IAsyncLifetime
{
    private SidecarHarness _sidecar = null!;

    public async ValueTask InitializeAsync()
    {
        SidecarHarness.RequireInProcess();
        _sidecar = await SidecarHarness.StartAsync(configure: o => o with
        {
            ConfigPath = Path.Combine(AppContext.BaseDirectory, "config", "secret-scopes.yaml"),
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_sidecar is not null)
        {
            await _sidecar.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_allow_list_admits_only_its_names()
    {
        using var allowed = await _sidecar.Client.GetAsync("/v1.0/secrets/secretstore/db-password");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);

        using var denied = await _sidecar.Client.GetAsync("/v1.0/secrets/secretstore/redis:password");
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        var body = await Json.ReadAsync(denied);
        Assert.Equal("ERR_PERMISSION_DENIED", body["errorCode"]!.GetValue<string>());
        Assert.Equal("access denied by policy to get \"redis:password\" from \"secretstore\"", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_deny_list_denies_its_names_under_default_allow()
    {
        Environment.SetEnvironmentVariable("CONFORMANCE_HIDDEN", "x");
        Environment.SetEnvironmentVariable("CONFORMANCE_SHOWN", "y");
        Assert.Equal(HttpStatusCode.Forbidden, (await _sidecar.Client.GetAsync("/v1.0/secrets/envsecrets/HIDDEN")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _sidecar.Client.GetAsync("/v1.0/secrets/envsecrets/SHOWN")).StatusCode);
    }

    [Fact]
    public async Task Bulk_silently_omits_secrets_outside_the_scope()
    {
        var body = (await Json.ReadAsync(await _sidecar.Client.GetAsync("/v1.0/secrets/secretstore/bulk"))).AsObject();
        Assert.Equal(["db-password"], body.Select(p => p.Key).ToList());
    }
}
