using Conformance.Sdk.Harness;
using Dapr;
using Grpc.Core;

namespace Conformance.Sdk.Secrets;

/// <summary>The secrets API through DaprClient (https://docs.dapr.io/reference/api/secrets_api/): its errors are plain
/// statuses without details, as daprd's <c>messages.APIError</c>.</summary>
public sealed class SecretClientTests
{
    private static Task<SdkSidecar> StartWithScopesAsync() =>
        SdkSidecar.StartAsync(configure: o => o with { ConfigPath = SdkSidecar.SecretScopesConfig });

    [Fact]
    public async Task A_secret_and_the_bulk_secrets_allowed_by_the_scopes_are_read()
    {
        SdkSidecar.RequireInProcess();
        await using var sidecar = await StartWithScopesAsync();
        using var client = sidecar.CreateClient();

        var secret = await client.GetSecretAsync("secretstore", "db-password");
        Assert.Equal("s3cret", secret["db-password"]);

        var bulk = await client.GetBulkSecretAsync("secretstore");
        Assert.Equal(["db-password"], bulk.Keys.ToArray());
        Assert.Equal("s3cret", bulk["db-password"]["db-password"]);
    }

    [Fact]
    public async Task A_secret_denied_by_the_scopes_is_PermissionDenied()
    {
        SdkSidecar.RequireInProcess();
        await using var sidecar = await StartWithScopesAsync();
        using var client = sidecar.CreateClient();

        var e = await Assert.ThrowsAsync<DaprException>(() => client.GetSecretAsync("secretstore", "redis"));
        var rpc = RpcErrors.Inner(e);
        Assert.Equal(StatusCode.PermissionDenied, rpc.StatusCode);
        Assert.Equal("access denied by policy to get \"redis\" from \"secretstore\"", rpc.Status.Detail);
        Assert.Null(RpcErrors.Details(rpc));
    }

    [Fact]
    public async Task An_unknown_store_is_InvalidArgument_and_a_missing_secret_Internal_both_without_details()
    {
        await using var sidecar = await SdkSidecar.StartAsync();
        using var client = sidecar.CreateClient();

        var unknown = RpcErrors.Inner(await Assert.ThrowsAsync<DaprException>(() => client.GetSecretAsync("nostore", "x")));
        Assert.Equal(StatusCode.InvalidArgument, unknown.StatusCode);
        Assert.Equal("failed finding secret store with key nostore", unknown.Status.Detail);
        Assert.Null(RpcErrors.Details(unknown));

        var missing = RpcErrors.Inner(await Assert.ThrowsAsync<DaprException>(() => client.GetSecretAsync("secretstore", "no-such-secret")));
        Assert.Equal(StatusCode.Internal, missing.StatusCode);
        Assert.StartsWith("failed getting secret with key no-such-secret from secret store secretstore: ", missing.Status.Detail, StringComparison.Ordinal);
        Assert.Null(RpcErrors.Details(missing));
    }
}
