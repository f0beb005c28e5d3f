using System.Net;
using Sidecart.Dapr.Tests.Support;

namespace Sidecart.Dapr.Tests.Client;

public sealed class TokenAndHealthTests : FakeSidecarTest
{
    [Fact]
    public async Task The_api_token_is_sent_on_every_call_when_configured()
    {
        var dapr = Sidecar.CreateClient(apiToken: "t0ken");

        await dapr.PublishEventAsync("pubsub", "orders", "x", TestJsonContext.Default.String, cancellationToken: Ct);
        await dapr.GetStateAsync("statestore", "k", TestJsonContext.Default.String, cancellationToken: Ct);

        Assert.All(Sidecar.Requests, r => Assert.Equal("t0ken", r.Header("dapr-api-token")));
    }

    [Fact]
    public async Task No_api_token_header_is_sent_without_a_token()
    {
        await Dapr.DeleteStateAsync("statestore", "k", cancellationToken: Ct);

        Assert.Null(Sidecar.SingleRequest.Header("dapr-api-token"));
    }

    [Fact]
    public async Task A_rejected_token_surfaces_as_unauthorized_with_the_plain_text_reason()
    {
        Sidecar.Respond = _ => new SidecarResponse(401, "invalid api token", "text/plain");

        var error = await Assert.ThrowsAsync<DaprApiException>(() => Dapr.GetSecretAsync("secretstore", "db", cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Null(error.ErrorCode);
        Assert.Contains("invalid api token", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Waiting_for_the_sidecar_polls_outbound_health_until_it_is_ready()
    {
        var calls = 0;
        Sidecar.Respond = _ => Interlocked.Increment(ref calls) < 3
            ? SidecarResponse.Error(500, "ERR_OUTBOUND_HEALTH_NOT_READY", "not ready")
            : SidecarResponse.NoContent();

        await Dapr.WaitForSidecarAsync(Ct);

        Assert.Equal(3, calls);
        Assert.All(Sidecar.Requests, r => Assert.Equal(("GET", "/v1.0/healthz/outbound"), (r.Method, r.Path)));
    }

    [Fact]
    public async Task Waiting_for_a_sidecar_that_never_gets_ready_times_out()
    {
        Sidecar.Respond = _ => SidecarResponse.Error(500, "ERR_OUTBOUND_HEALTH_NOT_READY", "not ready");
        var dapr = Sidecar.CreateClient(healthTimeout: TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAsync<TimeoutException>(() => dapr.WaitForSidecarAsync(Ct));
    }
}
