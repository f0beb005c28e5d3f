using System.Net;
using Sidecart.Dapr.Tests.Support;

namespace Sidecart.Dapr.Tests.Client;

public sealed class SecretsTests : FakeSidecarTest
{
    [Fact]
    public async Task Get_secret_reads_the_key_value_map()
    {
        Sidecar.Respond = _ => SidecarResponse.Json("""{"user":"admin","password":"s3cret"}""");

        var secret = await Dapr.GetSecretAsync("secretstore", "db", new Dictionary<string, string> { ["namespace"] = "prod" }, Ct);

        Assert.Equal("s3cret", secret["password"]);
        Assert.Equal("/v1.0/secrets/secretstore/db", Sidecar.SingleRequest.Path);
        Assert.Equal("?metadata.namespace=prod", Sidecar.SingleRequest.Query);
        Assert.Equal("GET", Sidecar.SingleRequest.Method);
    }

    [Fact]
    public async Task Bulk_secrets_are_keyed_by_secret_name()
    {
        Sidecar.Respond = _ => SidecarResponse.Json("""{"db":{"db":"x"},"api":{"key":"y"}}""");

        var secrets = await Dapr.GetBulkSecretAsync("secretstore", cancellationToken: Ct);

        Assert.Equal("/v1.0/secrets/secretstore/bulk", Sidecar.SingleRequest.Path);
        Assert.Equal("y", secrets["api"]["key"]);
        Assert.Equal("x", secrets["db"]["db"]);
    }

    [Fact]
    public async Task A_secret_denied_by_scope_surfaces_as_forbidden()
    {
        Sidecar.Respond = _ => SidecarResponse.Error(403, "ERR_PERMISSION_DENIED", "access denied by policy to get \\\"db\\\" from \\\"secretstore\\\"");

        var error = await Assert.ThrowsAsync<DaprApiException>(() => Dapr.GetSecretAsync("secretstore", "db", cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal("ERR_PERMISSION_DENIED", error.ErrorCode);
        Assert.Equal("access denied by policy to get \"db\" from \"secretstore\"", error.Message);
    }
}
