using System.Net;
using System.Text.Json;
using Sidecart.Dapr.Tests.Support;

namespace Sidecart.Dapr.Tests.Client;

public sealed class ActorTests : FakeSidecarTest
{
    [Fact]
    public async Task Invoking_an_actor_method_posts_the_body_and_reads_the_result()
    {
        Sidecar.Respond = _ => SidecarResponse.Json("""{"id":"o1","total":4}""");

        var result = await Dapr.InvokeActorMethodAsync("Sku", "sku/1", "Reserve", 2, TestJsonContext.Default.Int32, TestJsonContext.Default.Order, Ct);

        Assert.Equal(new Order("o1", 4), result);
        var request = Sidecar.SingleRequest;
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1.0/actors/Sku/sku%2F1/method/Reserve", request.Path);
        Assert.Equal("2", request.Body);
    }

    [Fact]
    public async Task A_failing_actor_method_surfaces_the_dapr_error()
    {
        Sidecar.Respond = _ => SidecarResponse.Error(500, "ERR_ACTOR_INVOKE_METHOD", "error invoke actor method: error from actor service: (409) out of stock");

        var error = await Assert.ThrowsAsync<DaprApiException>(() => Dapr.InvokeActorMethodAsync("Sku", "1", "Reserve", Ct));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal("ERR_ACTOR_INVOKE_METHOD", error.ErrorCode);
    }

    [Fact]
    public async Task An_actor_error_relayed_as_200_with_X_DaprErrorResponseHeader_is_thrown_rather_than_read_as_the_result()
    {
        Sidecar.Respond = _ => SidecarResponse.Json("""{"errorCode":"ERR_ACTOR_METHOD_FAILED","message":"out of stock"}""",
            new Dictionary<string, string> { ["X-DaprErrorResponseHeader"] = "true" });

        var error = await Assert.ThrowsAsync<DaprApiException>(() =>
            Dapr.InvokeActorMethodAsync("Sku", "1", "Reserve", 2, TestJsonContext.Default.Int32, TestJsonContext.Default.Order, Ct));

        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
        Assert.Equal("ERR_ACTOR_METHOD_FAILED", error.ErrorCode);
        Assert.Equal("out of stock", error.Message);
    }

    [Fact]
    public async Task Actor_state_is_read_by_key_and_a_missing_key_is_default()
    {
        Sidecar.Respond = r => r.Path.EndsWith("/stock", StringComparison.Ordinal) ? SidecarResponse.Json("17") : SidecarResponse.NoContent();

        Assert.Equal(17, await Dapr.GetActorStateAsync("Sku", "1", "stock", TestJsonContext.Default.Int32, Ct));
        Assert.Null(await Dapr.GetActorStateAsync("Sku", "1", "missing", TestJsonContext.Default.String, Ct));
        Assert.Equal("/v1.0/actors/Sku/1/state/stock", Sidecar.Requests[0].Path);
    }

    [Fact]
    public async Task An_actor_state_transaction_posts_an_array_of_operations()
    {
        await Dapr.ExecuteActorStateTransactionAsync("Sku", "1",
        [
            ActorStateOperation.Upsert("stock", 5, TestJsonContext.Default.Int32),
            ActorStateOperation.Delete("reservation-7"),
        ], Ct);

        var request = Sidecar.SingleRequest;
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1.0/actors/Sku/1/state", request.Path);
        Assert.Equal("""[{"operation":"upsert","request":{"key":"stock","value":5}},{"operation":"delete","request":{"key":"reservation-7"}}]""", request.Body);
    }

    [Fact]
    public async Task Reminders_are_registered_with_their_schedule_and_data_and_unregistered_by_name()
    {
        var data = JsonSerializer.SerializeToElement("o1", TestJsonContext.Default.String);

        await Dapr.RegisterActorReminderAsync("OrderProcess", "o1", "timeout", ActorReminder.Create(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), data: data), Ct);
        await Dapr.UnregisterActorReminderAsync("OrderProcess", "o1", "timeout", Ct);

        Assert.Collection(
            Sidecar.Requests,
            register =>
            {
                Assert.Equal(("POST", "/v1.0/actors/OrderProcess/o1/reminders/timeout"), (register.Method, register.Path));
                Assert.Equal("""{"dueTime":"0h0m30s0ms","period":"0h1m0s0ms","data":"o1"}""", register.Body);
            },
            unregister => Assert.Equal(("DELETE", "/v1.0/actors/OrderProcess/o1/reminders/timeout"), (unregister.Method, unregister.Path)));
    }

    [Fact]
    public async Task Timers_carry_their_callback_and_are_unregistered_by_name()
    {
        await Dapr.RegisterActorTimerAsync("OrderProcess", "o1", "poll", new ActorTimer("5s", "R3/PT10S", Callback: "Poll"), Ct);
        await Dapr.UnregisterActorTimerAsync("OrderProcess", "o1", "poll", Ct);

        Assert.Equal("""{"dueTime":"5s","period":"R3/PT10S","callback":"Poll"}""", Sidecar.Requests[0].Body);
        Assert.Equal("/v1.0/actors/OrderProcess/o1/timers/poll", Sidecar.Requests[0].Path);
        Assert.Equal(("DELETE", "/v1.0/actors/OrderProcess/o1/timers/poll"), (Sidecar.Requests[1].Method, Sidecar.Requests[1].Path));
    }
}
