using System.Net;
using System.Text.Json.Nodes;
using Conformance.Harness;
using Microsoft.AspNetCore.Http;

namespace Conformance;

/// <summary>https://docs.dapr.io/reference/api/actors_api/ (endpoints, time formats, app callbacks) and https://docs.dapr.io/reference/api/metadata_api/ (actor metadata).
/// One sidecar whose app hosts the actor types of the test; every test uses its own actor ids (and, for reminders,
/// which live in the shared sqlite file, its own actor type).</summary>
public sealed class ActorsConformanceTests
{
    private const string AppId = "actorhost";

    private static CancellationToken Aborted => TestContext.Current.CancellationToken;

    private static async Task<ActorHost> StartHostAsync(params string[] actorTypes)
    {
        SidecarHarness.RequireInProcess();
        var host = await ActorHost.StartAsync(AppId, ActorHost.ConfigFor(actorTypes), SidecarHarness.NewEnvironment());
        await host.WaitHostReadyAsync();
        return host;
    }

    private static string NewType() => $"Reminding{Guid.NewGuid():N}";

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task A_method_call_reaches_the_app_as_PUT_with_body_query_and_headers_and_its_answer_is_relayed(string verb)
    {
        await using var host = await StartHostAsync("Counter");
        host.OnMethod = (http, _, _, _) =>
        {
            http.Response.Headers["X-Actor-Answer"] = "yes";
            return Task.FromResult(Results.Text("""{"count":3}""", "application/json"));
        };
        var id = ActorHost.NewId();
        using var request = new HttpRequestMessage(new HttpMethod(verb), $"/v1.0/actors/Counter/{id}/method/add/more?by=2")
        {
            Content = verb == "GET" ? null : Json.Body("""{"amount":2}"""),
            Headers = { { "X-Custom", "custom value" } },
        };
        using var response = await host.Sidecar.Client.SendAsync(request, Aborted);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"count":3}""", await response.Content.ReadAsStringAsync(Aborted));
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("yes", response.Headers.GetValues("X-Actor-Answer").Single());
        var received = await host.App.WaitForAsync(r => r.Path == $"/actors/Counter/{id}/method/add/more");
        Assert.Equal("PUT", received.Method);
        Assert.Equal("?by=2", received.Query);
        Assert.Equal("custom value", received.Header("X-Custom"));
        Assert.Equal(verb == "GET" ? "" : """{"amount":2}""", received.Body);
    }

    [Fact]
    public async Task An_app_answer_other_than_200_becomes_500_ERR_ACTOR_INVOKE_METHOD_without_the_apps_headers()
    {
        await using var host = await StartHostAsync("Counter");
        host.OnMethod = (http, _, _, _) =>
        {
            http.Response.Headers["X-Actor-Answer"] = "yes";
            return Task.FromResult(Results.Text("custom error", statusCode: 500));
        };
        using var response = await host.Sidecar.Client.PutAsync($"/v1.0/actors/Counter/{ActorHost.NewId()}/method/fail", null, Aborted);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Actor-Answer"));
        var error = await Json.ReadAsync(response);
        Assert.Equal("ERR_ACTOR_INVOKE_METHOD", error["errorCode"]?.GetValue<string>());
        Assert.Equal("error invoke actor method: error from actor service: (500) custom error", error["message"]?.GetValue<string>());
    }

    [Fact]
    public async Task An_app_answer_404_is_500_actor_method_not_found()
    {
        await using var host = await StartHostAsync("Counter");
        host.OnMethod = (_, _, _, _) => Task.FromResult(Results.Text("no such method", statusCode: 404));
        var id = ActorHost.NewId();
        using var response = await host.Sidecar.Client.PutAsync($"/v1.0/actors/Counter/{id}/method/missing", null, Aborted);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var error = await Json.ReadAsync(response);
        Assert.Equal("ERR_ACTOR_INVOKE_METHOD", error["errorCode"]?.GetValue<string>());
        Assert.Equal($"error invoke actor method: actor method not found: actors/Counter/{id}/method/missing", error["message"]?.GetValue<string>());
    }

    [Fact]
    public async Task An_actor_error_the_app_answers_as_200_with_X_DaprErrorResponseHeader_is_relayed_as_200_with_header_and_body()
    {
        await using var host = await StartHostAsync("Counter");
        host.OnMethod = (http, _, _, _) =>
        {
            http.Response.Headers["X-DaprErrorResponseHeader"] = "remote exception header";
            return Task.FromResult(Results.Text("""{"exception":"boom"}""", "application/json"));
        };
        using var response = await host.Sidecar.Client.PostAsync($"/v1.0/actors/Counter/{ActorHost.NewId()}/method/fail", null, Aborted);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("remote exception header", response.Headers.GetValues("X-DaprErrorResponseHeader").Single());
        Assert.Equal("""{"exception":"boom"}""", await response.Content.ReadAsStringAsync(Aborted));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task X_DaprErrorResponseHeader_on_an_answer_other_than_200_does_not_keep_it_from_becoming_500_ERR_ACTOR_INVOKE_METHOD()
    {
        await using var host = await StartHostAsync("Counter");
        host.OnMethod = (http, _, _, _) =>
        {
            http.Response.Headers["X-DaprErrorResponseHeader"] = "true";
            return Task.FromResult(Results.Text("""{"exception":"boom"}""", "application/json", statusCode: 400));
        };
        using var response = await host.Sidecar.Client.PostAsync($"/v1.0/actors/Counter/{ActorHost.NewId()}/method/fail", null, Aborted);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.False(response.Headers.Contains("X-DaprErrorResponseHeader"));
        var error = await Json.ReadAsync(response);
        Assert.Equal("ERR_ACTOR_INVOKE_METHOD", error["errorCode"]?.GetValue<string>());
        Assert.Equal("""error invoke actor method: error from actor service: (400) {"exception":"boom"}""", error["message"]?.GetValue<string>());
    }

    [Fact]
    public async Task State_is_written_by_transaction_while_the_actor_is_active_and_read_back()
    {
        await using var host = await StartHostAsync("Counter");
        var id = ActorHost.NewId();
        var client = host.Sidecar.Client;
        const string upserts = """
            [{"operation":"upsert","request":{"key":"count","value":{"n":1}}},
             {"operation":"upsert","request":{"key":"name","value":"first"}}]
            """;

        using (var inactive = await client.PostAsync($"/v1.0/actors/Counter/{id}/state", Json.Body(upserts), Aborted))
        {
            Assert.Equal(HttpStatusCode.BadRequest, inactive.StatusCode);
            Assert.Equal("ERR_ACTOR_INSTANCE_MISSING", await Json.ErrorCodeAsync(inactive));
        }

        using (var missing = await client.GetAsync($"/v1.0/actors/Counter/{id}/state/count", Aborted))
        {
            Assert.Equal(HttpStatusCode.NoContent, missing.StatusCode);
        }

        (await client.PutAsync($"/v1.0/actors/Counter/{id}/method/activate", null, Aborted)).Dispose();
        using (var saved = await client.PutAsync($"/v1.0/actors/Counter/{id}/state", Json.Body(upserts), Aborted))
        {
            Assert.Equal(HttpStatusCode.NoContent, saved.StatusCode);
        }

        using (var read = await client.GetAsync($"/v1.0/actors/Counter/{id}/state/count", Aborted))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal("application/json", read.Content.Headers.ContentType?.MediaType);
            Assert.Equal("""{"n":1}""", await read.Content.ReadAsStringAsync(Aborted));
        }

        using (var deleted = await client.PostAsync($"/v1.0/actors/Counter/{id}/state", Json.Body("""[{"operation":"delete","request":{"key":"count"}}]"""), Aborted))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using (var gone = await client.GetAsync($"/v1.0/actors/Counter/{id}/state/count", Aborted))
        {
            Assert.Equal(HttpStatusCode.NoContent, gone.StatusCode);
        }

        Assert.Equal("\"first\"", await client.GetStringAsync($"/v1.0/actors/Counter/{id}/state/name", Aborted));
    }

    [Fact]
    public async Task Actor_state_is_stored_under_appId_type_id_key()
    {
        await using var host = await StartHostAsync("Counter");
        var id = ActorHost.NewId();
        var client = host.Sidecar.Client;
        (await client.PutAsync($"/v1.0/actors/Counter/{id}/method/activate", null, Aborted)).Dispose();
        (await client.PutAsync($"/v1.0/actors/Counter/{id}/state", Json.Body("""[{"operation":"upsert","request":{"key":"k","value":42}}]"""), Aborted)).Dispose();

        // Read through the component itself: stores see keys exactly as stored.
        var store = host.Sidecar.Sidecar.Context.Components.OfType<LocalSidecar.Components.State.IStateStore>().Single(s => s.Name == "statestore").Component;
        var item = await store.GetAsync($"{AppId}||Counter||{id}||k", new Dictionary<string, string>(), Aborted);
        Assert.NotNull(item);
        Assert.Equal("42", System.Text.Encoding.UTF8.GetString(item.Value));
    }

    [Fact]
    public async Task A_malformed_state_transaction_is_400()
    {
        await using var host = await StartHostAsync("Counter");
        using var response = await host.Sidecar.Client.PostAsync($"/v1.0/actors/Counter/{ActorHost.NewId()}/state", Json.Body("{not json"), Aborted);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ERR_MALFORMED_REQUEST", await Json.ErrorCodeAsync(response));
    }

    [Fact]
    public async Task A_reminder_is_created_read_back_and_deleted()
    {
        var type = NewType();
        await using var host = await StartHostAsync(type);
        var id = ActorHost.NewId();
        var client = host.Sidecar.Client;
        var path = $"/v1.0/actors/{type}/{id}/reminders/nightly";
        using (var created = await client.PostAsync(path, Json.Body("""{"dueTime":"1h","period":"R5/PT1H","ttl":"PT10H","data":{"job":"report"}}"""), Aborted))
        {
            Assert.Equal(HttpStatusCode.NoContent, created.StatusCode);
        }

        using (var read = await client.GetAsync(path, Aborted))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            var reminder = await Json.ReadAsync(read);
            Assert.Equal(id, reminder["actorID"]?.GetValue<string>());
            Assert.Equal(type, reminder["actorType"]?.GetValue<string>());
            Assert.Equal("nightly", reminder["name"]?.GetValue<string>());
            Assert.Equal("""{"job":"report"}""", reminder["data"]?.ToJsonString());
            Assert.Equal("1h", reminder["dueTime"]?.GetValue<string>());
            Assert.Equal("R5/PT1H", reminder["period"]?.GetValue<string>());
            var registered = DateTimeOffset.Parse(reminder["registeredTime"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(registered, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
            var expires = DateTimeOffset.Parse(reminder["expirationTime"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(expires - registered, TimeSpan.FromHours(11) - TimeSpan.FromSeconds(5), TimeSpan.FromHours(11) + TimeSpan.FromSeconds(5));
        }

        using (var deleted = await client.DeleteAsync(path, Aborted))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using var afterDelete = await client.GetAsync(path, Aborted);
        Assert.Equal(HttpStatusCode.NotFound, afterDelete.StatusCode);
        Assert.Equal("ERR_ACTOR_REMINDER_NOT_FOUND", await Json.ErrorCodeAsync(afterDelete));
    }

    /// <summary>daprd since 1.17 answers a reminder it does not have with 404 ERR_ACTOR_REMINDER_NOT_FOUND
    /// (dapr/dapr pkg/api/universal/actors.go; 1.16 answered 200 {}).</summary>
    [Fact]
    public async Task A_reminder_that_was_never_registered_is_404_ERR_ACTOR_REMINDER_NOT_FOUND()
    {
        var type = NewType();
        await using var host = await StartHostAsync(type);
        using var response = await host.Sidecar.Client.GetAsync($"/v1.0/actors/{type}/{ActorHost.NewId()}/reminders/never", Aborted);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await Json.ReadAsync(response);
        Assert.Equal("ERR_ACTOR_REMINDER_NOT_FOUND", body["errorCode"]!.GetValue<string>());
        Assert.Equal("actor reminder not found: never", body["message"]!.GetValue<string>());
    }

    /// <summary>daprd's default, scheduler-backed reminders fire with the registered data and empty dueTime and period
    /// (so the .NET SDK hands ReceiveReminderAsync an infinite due time and period).</summary>
    [Fact]
    public async Task A_reminder_fires_as_PUT_remind_with_its_data_and_empty_dueTime_and_period()
    {
        var type = NewType();
        await using var host = await StartHostAsync(type);
        var id = ActorHost.NewId();
        using (var created = await host.Sidecar.Client.PutAsync($"/v1.0/actors/{type}/{id}/reminders/ping",
                   Json.Body("""{"dueTime":"0s","period":"R2/PT1S","data":"payload"}"""), Aborted))
        {
            Assert.Equal(HttpStatusCode.NoContent, created.StatusCode);
        }

        var fired = await host.App.WaitForAsync(r => r.Path == $"/actors/{type}/{id}/method/remind/ping");
        Assert.Equal("PUT", fired.Method);
        Assert.StartsWith("application/json", fired.Header("Content-Type"));
        var body = JsonNode.Parse(fired.Body)!.AsObject();
        Assert.Equal("payload", body["data"]?.GetValue<string>());
        Assert.Equal("", body["dueTime"]?.GetValue<string>());
        Assert.Equal("", body["period"]?.GetValue<string>());
    }

    [Fact]
    public async Task A_reminder_registered_without_data_fires_without_a_data_field()
    {
        var type = NewType();
        await using var host = await StartHostAsync(type);
        var id = ActorHost.NewId();
        (await host.Sidecar.Client.PutAsync($"/v1.0/actors/{type}/{id}/reminders/bare", Json.Body("""{"dueTime":"0s"}"""), Aborted)).Dispose();

        var fired = await host.App.WaitForAsync(r => r.Path == $"/actors/{type}/{id}/method/remind/bare");
        Assert.Equal("""{"dueTime":"","period":""}""", JsonNode.Parse(fired.Body)!.ToJsonString());
    }

    [Fact]
    public async Task A_timer_registered_without_data_fires_without_a_data_field()
    {
        await using var host = await StartHostAsync("Counter");
        var id = ActorHost.NewId();
        (await host.Sidecar.Client.PutAsync($"/v1.0/actors/Counter/{id}/timers/bare", Json.Body("""{"dueTime":"0s","callback":"OnTick"}"""), Aborted)).Dispose();

        var fired = await host.App.WaitForAsync(r => r.Path == $"/actors/Counter/{id}/method/timer/bare");
        Assert.Equal("""{"callback":"OnTick","dueTime":"0s","period":""}""", JsonNode.Parse(fired.Body)!.ToJsonString());
    }

    [Fact]
    public async Task A_reminder_with_Rn_fires_n_times_then_is_gone()
    {
        var type = NewType();
        await using var host = await StartHostAsync(type);
        var id = ActorHost.NewId();
        (await host.Sidecar.Client.PutAsync($"/v1.0/actors/{type}/{id}/reminders/thrice", Json.Body("""{"period":"R3/PT1S"}"""), Aborted)).Dispose();

        int Fired() => host.ReceivedFor(type, id).Count(r => r.Path.EndsWith("/remind/thrice", StringComparison.Ordinal));
        await ActorHost.EventuallyAsync(() => Fired() >= 3, "three firings");
        await WaitForReminderGoneAsync(host, $"/v1.0/actors/{type}/{id}/reminders/thrice");
        await Task.Delay(1200, Aborted);
        Assert.Equal(3, Fired());
    }

    [Fact]
    public async Task X_DaprReminderCancel_in_the_callback_answer_stops_the_reminder()
    {
        var type = NewType();
        await using var host = await StartHostAsync(type);
        host.OnMethod = (http, _, _, _) =>
        {
            http.Response.Headers["X-DaprReminderCancel"] = "true";
            return Task.FromResult(Results.Ok());
        };
        var id = ActorHost.NewId();
        (await host.Sidecar.Client.PutAsync($"/v1.0/actors/{type}/{id}/reminders/once", Json.Body("""{"period":"100ms"}"""), Aborted)).Dispose();

        await host.App.WaitForAsync(r => r.Path == $"/actors/{type}/{id}/method/remind/once");
        await WaitForReminderGoneAsync(host, $"/v1.0/actors/{type}/{id}/reminders/once");
        await Task.Delay(400, Aborted);
        Assert.Single(host.ReceivedFor(type, id), r => r.Path.EndsWith("/remind/once", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_ttl_ends_a_reminder()
    {
        var type = NewType();
        await using var host = await StartHostAsync(type);
        var id = ActorHost.NewId();
        (await host.Sidecar.Client.PutAsync($"/v1.0/actors/{type}/{id}/reminders/short", Json.Body("""{"period":"100ms","ttl":"350ms"}"""), Aborted)).Dispose();

        await WaitForReminderGoneAsync(host, $"/v1.0/actors/{type}/{id}/reminders/short");
        var fired = host.ReceivedFor(type, id).Count(r => r.Path.EndsWith("/remind/short", StringComparison.Ordinal));
        Assert.InRange(fired, 2, 4);
    }

    [Theory]
    [InlineData("PT1S", "PT1S")]
    [InlineData("200ms", "200ms")]
    [InlineData("rfc3339", "R2/PT1S")]
    public async Task Due_times_and_periods_are_accepted_in_Go_ISO_8601_and_RFC3339_forms(string dueTime, string period)
    {
        var type = NewType();
        await using var host = await StartHostAsync(type);
        var id = ActorHost.NewId();
        if (dueTime == "rfc3339")
        {
            dueTime = DateTimeOffset.UtcNow.AddMilliseconds(300).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        }

        var started = DateTime.UtcNow;
        using (var created = await host.Sidecar.Client.PutAsync($"/v1.0/actors/{type}/{id}/reminders/formats",
                   Json.Body(new JsonObject { ["dueTime"] = dueTime, ["period"] = period }.ToJsonString()), Aborted))
        {
            Assert.Equal(HttpStatusCode.NoContent, created.StatusCode);
        }

        await ActorHost.EventuallyAsync(() => host.ReceivedFor(type, id).Count(r => r.Path.EndsWith("/remind/formats", StringComparison.Ordinal)) >= 2, "two firings");
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(280), "fired before its due time");
        (await host.Sidecar.Client.DeleteAsync($"/v1.0/actors/{type}/{id}/reminders/formats", Aborted)).Dispose();
    }

    /// <summary>daprd's ISO 8601 durations take whole numbers only, and may end in T (dapr/kit time/time.go): what the
    /// .NET SDK sends for a repeating reminder of whole days, R3/P1DT, is one.</summary>
    [Fact]
    public async Task An_ISO_8601_period_of_whole_days_is_a_duration_for_timers()
    {
        await using var host = await StartHostAsync("Counter");
        using var response = await host.Sidecar.Client.PutAsync($"/v1.0/actors/Counter/{ActorHost.NewId()}/timers/daily",
            Json.Body("""{"dueTime":"1h","period":"R3/P1DT"}"""), Aborted);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    /// <summary>daprd's default, scheduler-backed reminders refuse a period with years, months, weeks or days
    /// (dapr/dapr pkg/actors/internal/reminders/storage/scheduler/scheduler.go), such as the R3/P1DT the .NET SDK sends
    /// for RegisterReminderAsync(..., TimeSpan.FromDays(1), repetitions: 3).</summary>
    [Theory]
    [InlineData("R3/P1DT")]
    [InlineData("P1W")]
    public async Task A_reminder_period_with_days_is_500_unsupported_period_format(string period)
    {
        var type = NewType();
        await using var host = await StartHostAsync(type);
        using var response = await host.Sidecar.Client.PutAsync($"/v1.0/actors/{type}/{ActorHost.NewId()}/reminders/daily",
            Json.Body(new JsonObject { ["dueTime"] = "1h", ["period"] = period }.ToJsonString()), Aborted);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var error = await Json.ReadAsync(response);
        Assert.Equal("ERR_ACTOR_REMINDER_CREATE", error["errorCode"]?.GetValue<string>());
        Assert.Equal($"error creating actor reminder: unsupported period format: {period}", error["message"]?.GetValue<string>());
    }

    [Theory]
    [InlineData("reminders")]
    [InlineData("timers")]
    public async Task A_malformed_body_is_400_ERR_MALFORMED_REQUEST(string kind)
    {
        await using var host = await StartHostAsync("Counter");
        using var response = await host.Sidecar.Client.PutAsync($"/v1.0/actors/Counter/{ActorHost.NewId()}/{kind}/bad", Json.Body("{\"dueTime\":"), Aborted);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("ERR_MALFORMED_REQUEST", await Json.ErrorCodeAsync(response));
    }

    [Theory]
    [InlineData("reminders", "R0/PT1S", "ERR_ACTOR_REMINDER_CREATE")]
    [InlineData("reminders", "every day", "ERR_ACTOR_REMINDER_CREATE")]
    [InlineData("timers", "R0/PT1S", "ERR_ACTOR_TIMER_CREATE")]
    [InlineData("reminders", "R/PT1S", "ERR_ACTOR_REMINDER_CREATE")]
    [InlineData("reminders", "PT0.5S", "ERR_ACTOR_REMINDER_CREATE")]
    [InlineData("timers", "R2/PT0.5S", "ERR_ACTOR_TIMER_CREATE")]
    public async Task A_bad_period_is_rejected(string kind, string period, string errorCode)
    {
        await using var host = await StartHostAsync("Counter");
        using var response = await host.Sidecar.Client.PutAsync($"/v1.0/actors/Counter/{ActorHost.NewId()}/{kind}/bad",
            Json.Body(new JsonObject { ["period"] = period }.ToJsonString()), Aborted);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(errorCode, await Json.ErrorCodeAsync(response));
    }

    [Theory]
    [InlineData("/v1.0/actors/Counter/a%3Fb/method/m")]
    [InlineData("/v1.0/actors/Counter/a%23b/method/m")]
    [InlineData("/v1.0/actors/Counter/a%2Fb/state/k")]
    [InlineData("/v1.0/actors/Count%5Cer/a/method/m")]
    [InlineData("/v1.0/actors/Counter/a/timers/t%3F")]
    public async Task Names_with_path_or_query_characters_are_400_ERR_BAD_REQUEST(string path)
    {
        await using var host = await StartHostAsync("Counter");
        using var response = await host.Sidecar.Client.PutAsync(path, Json.Body("{}"), Aborted);
        using var get = await host.Sidecar.Client.GetAsync(path, Aborted);
        var answer = path.Contains("/state/", StringComparison.Ordinal) ? get : response;
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal("ERR_BAD_REQUEST", await Json.ErrorCodeAsync(answer));
    }

    [Fact]
    public async Task A_ttl_in_the_past_is_rejected()
    {
        await using var host = await StartHostAsync("Counter");
        using var response = await host.Sidecar.Client.PutAsync($"/v1.0/actors/Counter/{ActorHost.NewId()}/reminders/late",
            Json.Body("""{"dueTime":"1m","ttl":"2020-01-01T00:00:00Z"}"""), Aborted);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("ERR_ACTOR_REMINDER_CREATE", await Json.ErrorCodeAsync(response));
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("GET")]
    [InlineData("DELETE")]
    public async Task Reminder_operations_on_a_type_this_app_does_not_host_are_403(string verb)
    {
        await using var host = await StartHostAsync("Counter");
        using var request = new HttpRequestMessage(new HttpMethod(verb), $"/v1.0/actors/Elsewhere/{ActorHost.NewId()}/reminders/r")
        {
            Content = verb == "PUT" ? Json.Body("""{"dueTime":"1s"}""") : null,
        };
        using var response = await host.Sidecar.Client.SendAsync(request, Aborted);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("ERR_ACTOR_REMINDER_NON_HOSTED", await Json.ErrorCodeAsync(response));
    }

    [Fact]
    public async Task A_timer_fires_with_its_callback_until_deleted()
    {
        await using var host = await StartHostAsync("Counter");
        var id = ActorHost.NewId();
        using (var created = await host.Sidecar.Client.PostAsync($"/v1.0/actors/Counter/{id}/timers/tick",
                   Json.Body("""{"dueTime":"PT0S","period":"100ms","callback":"OnTick","data":{"n":7}}"""), Aborted))
        {
            Assert.Equal(HttpStatusCode.NoContent, created.StatusCode);
        }

        var fired = await host.App.WaitForAsync(r => r.Path == $"/actors/Counter/{id}/method/timer/tick");
        Assert.Equal("PUT", fired.Method);
        var body = JsonNode.Parse(fired.Body)!.AsObject();
        Assert.Equal("OnTick", body["callback"]?.GetValue<string>());
        Assert.Equal("""{"n":7}""", body["data"]?.ToJsonString());
        Assert.Equal("PT0S", body["dueTime"]?.GetValue<string>());
        Assert.Equal("100ms", body["period"]?.GetValue<string>());

        int Ticks() => host.ReceivedFor("Counter", id).Count(r => r.Path.EndsWith("/timer/tick", StringComparison.Ordinal));
        await ActorHost.EventuallyAsync(() => Ticks() >= 2, "a second tick");
        using (var deleted = await host.Sidecar.Client.DeleteAsync($"/v1.0/actors/Counter/{id}/timers/tick", Aborted))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await Task.Delay(150, Aborted);
        var afterDelete = Ticks();
        await Task.Delay(350, Aborted);
        Assert.Equal(afterDelete, Ticks());
    }

    [Fact]
    public async Task A_timer_callback_answering_X_DaprReminderCancel_stops_the_timer()
    {
        await using var host = await StartHostAsync("Counter");
        host.OnMethod = (http, _, _, _) =>
        {
            http.Response.Headers["X-DaprReminderCancel"] = "true";
            return Task.FromResult(Results.Ok());
        };
        var id = ActorHost.NewId();
        (await host.Sidecar.Client.PostAsync($"/v1.0/actors/Counter/{id}/timers/once", Json.Body("""{"period":"50ms"}"""), Aborted)).Dispose();
        await host.App.WaitForAsync(r => r.Path == $"/actors/Counter/{id}/method/timer/once");
        await Task.Delay(400, Aborted);
        Assert.Single(host.ReceivedFor("Counter", id), r => r.Path.EndsWith("/timer/once", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metadata_lists_the_hosted_types_with_their_active_actors_and_the_runtime()
    {
        await using var host = await StartHostAsync("Counter", "Idle");
        (await host.Sidecar.Client.PutAsync($"/v1.0/actors/Counter/{ActorHost.NewId()}/method/a", null, Aborted)).Dispose();
        (await host.Sidecar.Client.PutAsync($"/v1.0/actors/Counter/{ActorHost.NewId()}/method/a", null, Aborted)).Dispose();

        var metadata = JsonNode.Parse(await host.Sidecar.Client.GetStringAsync("/v1.0/metadata", Aborted))!;
        Assert.Equal(2, metadata["actors"]!.AsArray().Single(a => a!["type"]!.GetValue<string>() == "Counter")!["count"]!.GetValue<int>());
        Assert.Equal(0, metadata["actors"]!.AsArray().Single(a => a!["type"]!.GetValue<string>() == "Idle")!["count"]!.GetValue<int>());
        var runtime = metadata["actorRuntime"]!;
        Assert.Equal("RUNNING", runtime["runtimeStatus"]!.GetValue<string>());
        Assert.True(runtime["hostReady"]!.GetValue<bool>());
        Assert.Equal(2, runtime["activeActors"]!.AsArray().Single(a => a!["type"]!.GetValue<string>() == "Counter")!["count"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(runtime["placement"]?.GetValue<string>()));
    }

    [Fact]
    public async Task Config_discovery_and_callbacks_carry_the_app_id_and_the_app_api_token()
    {
        SidecarHarness.RequireInProcess();
        await using var host = await ActorHost.StartAsync(AppId, ActorHost.ConfigFor("Counter"), SidecarHarness.NewEnvironment(),
            configure: o => o with { AppApiToken = "app-secret" });
        await host.WaitHostReadyAsync();
        var id = ActorHost.NewId();
        (await host.Sidecar.Client.PutAsync($"/v1.0/actors/Counter/{id}/method/a", null, Aborted)).Dispose();

        var config = await host.App.WaitForAsync(r => r.Path == "/dapr/config");
        Assert.Equal("GET", config.Method);
        Assert.Equal(AppId, config.Header("dapr-app-id"));
        Assert.Equal("app-secret", config.Header("dapr-api-token"));
        Assert.Equal("app-secret", (await host.App.WaitForAsync(r => r.Path == $"/actors/Counter/{id}/method/a")).Header("dapr-api-token"));
    }

    [Fact]
    public async Task Reentrancy_admits_the_same_chain_up_to_maxStackDepth_and_other_callers_wait()
    {
        SidecarHarness.RequireInProcess();
        var config = ActorHost.ConfigFor("Counter");
        config["reentrancy"] = new JsonObject { ["enabled"] = true, ["maxStackDepth"] = 2 };
        await using var host = await ActorHost.StartAsync(AppId, config, SidecarHarness.NewEnvironment());
        await host.WaitHostReadyAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.OnMethod = async (_, _, _, method) =>
        {
            if (method == "hold")
            {
                await release.Task;
            }

            return Results.Ok();
        };
        var id = ActorHost.NewId();
        var client = host.Sidecar.Client;
        var outer = client.PutAsync($"/v1.0/actors/Counter/{id}/method/hold", null, Aborted);
        var chain = (await host.App.WaitForAsync(r => r.Path.EndsWith("/method/hold", StringComparison.Ordinal))).Header("Dapr-Reentrancy-Id");
        Assert.False(string.IsNullOrEmpty(chain));

        using (var reentrant = new HttpRequestMessage(HttpMethod.Put, $"/v1.0/actors/Counter/{id}/method/inner") { Headers = { { "Dapr-Reentrancy-Id", chain } } })
        using (var admitted = await client.SendAsync(reentrant, Aborted))
        {
            Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        }

        var stranger = client.PutAsync($"/v1.0/actors/Counter/{id}/method/other", null, Aborted);
        var nested = Task.Run(async () =>
        {
            using var second = new HttpRequestMessage(HttpMethod.Put, $"/v1.0/actors/Counter/{id}/method/hold") { Headers = { { "Dapr-Reentrancy-Id", chain } } };
            return await client.SendAsync(second, Aborted);
        }, Aborted);
        await ActorHost.EventuallyAsync(() => host.ReceivedFor("Counter", id).Count(r => r.Path.EndsWith("/method/hold", StringComparison.Ordinal)) == 2, "the nested call");
        using (var tooDeep = new HttpRequestMessage(HttpMethod.Put, $"/v1.0/actors/Counter/{id}/method/inner") { Headers = { { "Dapr-Reentrancy-Id", chain } } })
        using (var refused = await client.SendAsync(tooDeep, Aborted))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, refused.StatusCode);
            Assert.Equal("ERR_ACTOR_STACK_DEPTH", await Json.ErrorCodeAsync(refused));
        }

        Assert.False(stranger.IsCompleted);
        release.SetResult();
        (await outer).Dispose();
        (await nested).Dispose();
        using var strangerAnswer = await stranger;
        Assert.Equal(HttpStatusCode.OK, strangerAnswer.StatusCode);
    }

    private static async Task WaitForReminderGoneAsync(ActorHost host, string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            using var response = await host.Sidecar.Client.GetAsync(path, Aborted);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return;
            }

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

            Assert.True(DateTime.UtcNow < deadline, $"reminder {path} is still registered");
            await Task.Delay(50, Aborted);
        }
    }
}
