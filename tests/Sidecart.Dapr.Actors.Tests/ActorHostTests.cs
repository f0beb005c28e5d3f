using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Sidecart.Dapr.Actors.Tests.Actors;
using Sidecart.Dapr.Actors.Tests.Support;

namespace Sidecart.Dapr.Actors.Tests;

/// <summary>The actor host against a real local sidecar: calls come from another sidecar, through the owner's sidecar,
/// into the host app.</summary>
public sealed class ActorHostTests(ActorSystem system) : IClassFixture<ActorSystem>
{
    private static CancellationToken Aborted => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Dapr_config_announces_the_types_and_their_settings_in_the_sidecars_format()
    {
        using var response = await system.App.GetAsync("/dapr/config", Aborted);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var config = JsonNode.Parse(await response.Content.ReadAsStringAsync(Aborted))!;

        Assert.Equal("""["Sku","CounterActor"]""", config["entities"]!.ToJsonString());
        Assert.Equal("0h5m0s0ms", config["actorIdleTimeout"]!.GetValue<string>());
        Assert.Equal("0h0m10s0ms", config["drainOngoingCallTimeout"]!.GetValue<string>());
        Assert.False(config["reentrancy"]!["enabled"]!.GetValue<bool>());
        var counter = Assert.Single(config["entitiesConfig"]!.AsArray())!;
        Assert.Equal("""["CounterActor"]""", counter["entities"]!.ToJsonString());
        Assert.Equal("0h0m1s0ms", counter["actorIdleTimeout"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_proxy_call_round_trips_json_and_the_state_is_saved_through_the_sidecar()
    {
        var id = ActorSystem.NewId("SKU");
        var sku = system.Proxies.CreateProxy<ISkuActor>(id, "Sku");

        Assert.Equal(10, await sku.AddStock(10));
        var reserved = await sku.Reserve(new ReserveRequest("order-1", 3, TimeSpan.FromHours(1)));
        await sku.Release("order-unknown");

        Assert.Equal(new ReservationResult(true, 7), reserved);
        Assert.Equal(3, (await sku.Reservations())["order-1"]);
        Assert.Equal("7", await system.HostSidecar.GetStringAsync($"/v1.0/actors/Sku/{id}/state/stock", Aborted));
        Assert.Equal("""{"order-1":3}""", await system.HostSidecar.GetStringAsync($"/v1.0/actors/Sku/{id}/state/reservations", Aborted));
    }

    [Fact]
    public async Task A_method_is_callable_by_name_through_the_plain_client()
    {
        var id = ActorSystem.NewId("counter");
        var typeInfo = Serialization.ActorsJsonContext.Default.Int32;

        Assert.Equal(5, await system.Caller.InvokeActorMethodAsync("CounterActor", id, "Increment", 5, typeInfo, typeInfo, Aborted));
        Assert.Equal(5, await system.Caller.InvokeActorMethodAsync("CounterActor", id, "Get", typeInfo, Aborted));
    }

    [Fact]
    public async Task State_survives_deactivation_and_the_actor_is_activated_again_on_its_next_call()
    {
        var id = ActorSystem.NewId("counter");
        var counter = system.Proxies.CreateProxy<ICounterActor>(id, "CounterActor");
        await counter.Increment(3);
        Assert.Equal(1, system.Log.Count("CounterActor", id, "activated"));

        await ActorSystem.EventuallyAsync(() => Task.FromResult(system.Log.Count("CounterActor", id, "deactivated")), n => n == 1, "the idle counter to be deactivated");

        Assert.Equal(3, await counter.Get());
        Assert.Equal(2, system.Log.Count("CounterActor", id, "activated"));
    }

    [Fact]
    public async Task A_reminder_fires_ReceiveReminderAsync_and_its_state_changes_are_saved()
    {
        var id = ActorSystem.NewId("SKU");
        var sku = system.Proxies.CreateProxy<ISkuActor>(id, "Sku");
        await sku.AddStock(5);

        await sku.Reserve(new ReserveRequest("order-expiring", 2, TimeSpan.FromMilliseconds(200)));

        await ActorSystem.EventuallyAsync(() => system.HostSidecar.GetStringAsync($"/v1.0/actors/Sku/{id}/state/stock", Aborted), stock => stock == "5", "the reminder to give the stock back");
        Assert.Empty(await sku.Reservations());
        Assert.Equal(5, await sku.Available());
    }

    [Fact]
    public async Task A_timer_calls_its_callback_and_stops_when_the_actor_asks()
    {
        var id = ActorSystem.NewId("counter");
        var counter = system.Proxies.CreateProxy<ICounterActor>(id, "CounterActor");

        await counter.StartTicking(3);

        await ActorSystem.EventuallyAsync(() => counter.Ticks(), ticks => ticks >= 3, "three timer ticks");
        // Ten more periods: a timer that ignored X-DaprReminderCancel would have ticked again by now.
        await Task.Delay(TimeSpan.FromMilliseconds(500), Aborted);
        Assert.Equal(3, await counter.Ticks());
    }

    [Fact]
    public async Task An_exception_in_a_method_reaches_the_proxy_as_a_typed_actor_error_and_saves_nothing()
    {
        var id = ActorSystem.NewId("counter");
        var counter = system.Proxies.CreateProxy<ICounterActor>(id, "CounterActor");
        await counter.Increment(2);

        var error = await Assert.ThrowsAsync<ActorMethodException>(() => counter.IncrementThenFail(5));

        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
        Assert.Equal(ActorErrorCodes.MethodFailed, error.ErrorCode);
        Assert.Equal("the counter refused", error.Message);
        Assert.Equal(typeof(InvalidOperationException).FullName, error.ExceptionType);
        Assert.Equal(("CounterActor", id, "IncrementThenFail"), (error.ActorType, error.ActorId, error.Method));
        Assert.Equal(2, await counter.Get());
        Assert.False(await counter.HasNote(Aborted));
    }

    [Fact]
    public async Task A_raw_caller_sees_the_actor_error_as_200_with_the_error_header_and_body_relayed_by_the_sidecar()
    {
        var id = ActorSystem.NewId("counter");
        using var response = await system.CallerSidecar.PostAsync(
            $"/v1.0/actors/CounterActor/{id}/method/IncrementThenFail", new StringContent("1", Encoding.UTF8, "application/json"), Aborted);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("true", response.Headers.GetValues("X-DaprErrorResponseHeader").Single());
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Aborted))!;
        Assert.Equal(ActorErrorCodes.MethodFailed, body["errorCode"]!.GetValue<string>());
        Assert.Equal("the counter refused", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_method_and_a_malformed_argument_are_typed_actor_errors()
    {
        var id = ActorSystem.NewId("counter");

        var missing = await Assert.ThrowsAsync<ActorMethodException>(() => system.Proxies.CreateProxy<IUnknownMethods>(id, "CounterActor").Reset());
        Assert.Equal(ActorErrorCodes.MethodNotFound, missing.ErrorCode);
        Assert.Equal("Reset", missing.Method);

        using var malformed = await system.CallerSidecar.PutAsync(
            $"/v1.0/actors/CounterActor/{id}/method/Increment", new StringContent("\"three\"", Encoding.UTF8, "application/json"), Aborted);
        Assert.Equal(HttpStatusCode.OK, malformed.StatusCode);
        Assert.True(malformed.Headers.Contains("X-DaprErrorResponseHeader"));
        Assert.Equal(ActorErrorCodes.BadRequest, JsonNode.Parse(await malformed.Content.ReadAsStringAsync(Aborted))!["errorCode"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_call_the_sidecar_refuses_stays_a_DaprApiException_rather_than_an_actor_error()
    {
        var counter = system.Proxies.CreateProxy<ICounterActor>("not#safe", "CounterActor");

        var error = await Assert.ThrowsAsync<DaprApiException>(() => counter.Get());

        Assert.IsNotType<ActorMethodException>(error);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("ERR_BAD_REQUEST", error.ErrorCode);
    }

    [Fact]
    public async Task Concurrent_calls_to_one_actor_take_turns_so_no_increment_is_lost()
    {
        var id = ActorSystem.NewId("counter");
        const int Callers = 40;

        var results = await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ =>
            Task.Run(() => system.Proxies.CreateProxy<ICounterActor>(id, "CounterActor").Increment(1), Aborted)));

        Assert.Equal(Enumerable.Range(1, Callers), results.Order());
        Assert.Equal(Callers, await system.Proxies.CreateProxy<ICounterActor>(id, "CounterActor").Get());
    }

    public interface IUnknownMethods : IActor
    {
        Task Reset();
    }
}
