using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Conformance.Harness;
using LocalSidecar.Hosting;
using LocalSidecar.NameResolution;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Conformance;

/// <summary>https://docs.dapr.io/reference/api/service_invocation_api/ (with the API tokens of https://docs.dapr.io/operations/security/ and app resiliency
/// targets). A caller sidecar without an app calls a callee sidecar whose app is a <see cref="TestApp"/>.</summary>
public sealed class InvocationConformanceTests
{
    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    [InlineData("HEAD")]
    [InlineData("OPTIONS")]
    public async Task Every_verb_reaches_the_app_with_the_same_verb(string verb)
    {
        await using var pair = await InvocationPair.StartAsync();
        using var response = await pair.Caller.Client.SendAsync(new HttpRequestMessage(new HttpMethod(verb), "/v1.0/invoke/callee/method/verbs"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = await pair.App.WaitForAsync(r => r.Path == "/verbs");
        Assert.Equal(verb, received.Method);
    }

    [Fact]
    public async Task A_multi_segment_method_path_and_the_query_string_are_forwarded_unchanged()
    {
        await using var pair = await InvocationPair.StartAsync();
        using var response = await pair.Caller.Client.GetAsync("/v1.0/invoke/callee/method/api/v1/add?a=1&b=two%20words&b=3&empty=");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = await pair.App.WaitForAsync(r => r.Path == "/api/v1/add");
        Assert.Equal("?a=1&b=two%20words&b=3&empty=", received.Query);
        Assert.Null(received.Header("Content-Type"));
    }

    [Fact]
    public async Task A_large_body_is_streamed_through_intact()
    {
        await using var pair = await InvocationPair.StartAsync();
        var payload = new string('x', 3 * 1024 * 1024);
        using var response = await pair.Caller.Client.PutAsync("/v1.0/invoke/callee/method/upload", Json.Body(payload, "application/octet-stream"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = await pair.App.WaitForAsync(r => r.Path == "/upload");
        Assert.Equal(payload.Length, received.Body.Length);
        Assert.Equal("application/octet-stream", received.Header("Content-Type"));
    }

    [Fact]
    public async Task Headers_body_and_content_type_are_forwarded_with_the_caller_and_callee_ids()
    {
        await using var pair = await InvocationPair.StartAsync();
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1.0/invoke/callee/method/orders")
        {
            Content = Json.Body("""{"sku":"A-1","quantity":2}"""),
            Headers =
            {
                { "X-Custom", "custom value" },
                { "traceparent", $"00-{traceId}-00f067aa0ba902b7-01" },
            },
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "user-token");
        using var response = await pair.Caller.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var received = await pair.App.WaitForAsync(r => r.Path == "/orders");
        Assert.Equal("""{"sku":"A-1","quantity":2}""", received.Body);
        Assert.StartsWith("application/json", received.Header("Content-Type"));
        Assert.Equal("custom value", received.Header("X-Custom"));
        Assert.Equal("Bearer user-token", received.Header("Authorization"));
        Assert.Equal("caller", received.Header("dapr-caller-app-id"));
        Assert.Equal("callee", received.Header("dapr-callee-app-id"));
        Assert.False(string.IsNullOrEmpty(received.Header("X-Forwarded-For")));
        Assert.False(string.IsNullOrEmpty(received.Header("X-Forwarded-Host")));
        Assert.Contains("for=", received.Header("Forwarded"));
        var traceparent = received.Header("traceparent")!.Split('-');
        Assert.Equal(traceId, traceparent[1]);
        Assert.NotEqual("00f067aa0ba902b7", traceparent[2]);
    }

    [Fact]
    public async Task A_call_without_traceparent_starts_a_new_trace()
    {
        await using var pair = await InvocationPair.StartAsync();
        using var response = await pair.Caller.Client.GetAsync("/v1.0/invoke/callee/method/traced");
        var received = await pair.App.WaitForAsync(r => r.Path == "/traced");
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", received.Header("traceparent"));
    }

    [Fact]
    public async Task The_dapr_app_id_header_addresses_any_other_path_and_is_not_forwarded()
    {
        await using var pair = await InvocationPair.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders/1?x=y") { Content = Json.Body("{}") };
        request.Headers.Add("dapr-app-id", "callee");
        using var response = await pair.Caller.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = await pair.App.WaitForAsync(r => r.Path == "/orders/1");
        Assert.Equal(("POST", "?x=y"), (received.Method, received.Query));
        Assert.Null(received.Header("dapr-app-id"));
    }

    [Fact]
    public async Task Basic_auth_with_user_dapr_app_id_addresses_the_app_in_the_password()
    {
        await using var pair = await InvocationPair.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/orders/2");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("dapr-app-id:callee")));
        using var response = await pair.Caller.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await pair.App.WaitForAsync(r => r.Path == "/orders/2" && r.Method == "GET");
    }

    [Theory]
    [InlineData("/orders/1")]
    [InlineData("/v1.0/invoke/callee")]
    [InlineData("/v1.0/invoke/callee/other/path")]
    public async Task Without_an_app_id_the_answer_is_404_ERR_DIRECT_INVOKE(string path)
    {
        await using var pair = await InvocationPair.StartAsync();
        using var response = await pair.Caller.Client.PostAsync(path, Json.Body("{}"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await Json.ReadAsync(response);
        Assert.Equal("ERR_DIRECT_INVOKE", body["errorCode"]!.GetValue<string>());
        Assert.Equal("failed getting app id either from the URL path or the header dapr-app-id", body["message"]!.GetValue<string>());
        Assert.Empty(pair.App.ReceivedFromCallers);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(500)]
    [InlineData(503)]
    public async Task The_app_status_body_and_headers_are_relayed_unchanged(int status)
    {
        await using var pair = await InvocationPair.StartAsync();
        using var response = await pair.Caller.Client.GetAsync($"/v1.0/invoke/callee/method/status/{status}");
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal($"app says {status}", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/x-app", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("yes", response.Headers.GetValues("X-From-App").Single());
    }

    [Fact]
    public async Task An_unknown_app_id_is_500_ERR_DIRECT_INVOKE_naming_the_id()
    {
        await using var pair = await InvocationPair.StartAsync();
        using var response = await pair.Caller.Client.GetAsync("/v1.0/invoke/nobody/method/x");
        await AssertDirectInvokeFailureAsync(response, "failed to invoke, id: nobody, err: ");
    }

    [Fact]
    public async Task An_app_id_with_more_than_one_dot_is_500_invalid_app_id()
    {
        await using var pair = await InvocationPair.StartAsync();
        using var response = await pair.Caller.Client.GetAsync("/v1.0/invoke/callee.ns.extra/method/x");
        var message = await AssertDirectInvokeFailureAsync(response, "failed to invoke, id: callee.ns.extra, err: ");
        Assert.Contains("invalid app id", message);
    }

    [Fact]
    public async Task An_app_id_with_a_namespace_reaches_the_app()
    {
        await using var pair = await InvocationPair.StartAsync();
        using var response = await pair.Caller.Client.GetAsync("/v1.0/invoke/callee.default/method/namespaced");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await pair.App.WaitForAsync(r => r.Path == "/namespaced");
    }

    [Fact]
    public async Task When_the_callee_app_is_down_the_answer_is_500_ERR_DIRECT_INVOKE()
    {
        await using var pair = await InvocationPair.StartAsync();
        await pair.StopAppAsync();
        using var response = await pair.Caller.Client.GetAsync("/v1.0/invoke/callee/method/x");
        await AssertDirectInvokeFailureAsync(response, "failed to invoke, id: callee, err: ");
    }

    [Fact]
    public async Task A_callee_sidecar_without_an_app_answers_500_ERR_DIRECT_INVOKE()
    {
        SidecarHarness.RequireInProcess();
        var environment = SidecarHarness.NewEnvironment();
        await using var caller = await SidecarHarness.StartAsync("caller", environment: environment);
        await using var appless = await SidecarHarness.StartAsync("appless", environment: environment);
        using var response = await caller.Client.GetAsync("/v1.0/invoke/appless/method/x");
        var message = await AssertDirectInvokeFailureAsync(response, "failed to invoke, id: appless, err: ");
        Assert.Contains("app channel", message);
    }

    [Fact]
    public async Task An_app_that_is_not_healthy_is_not_invoked()
    {
        SidecarHarness.RequireInProcess();
        var environment = SidecarHarness.NewEnvironment();
        await using var caller = await SidecarHarness.StartAsync("caller", environment: environment);
        await using var callee = await SidecarHarness.StartAsync("callee", environment: environment,
            configure: o => o with { AppPort = HealthAndMetadataConformanceTests.FreePort() });
        using var response = await caller.Client.GetAsync("/v1.0/invoke/callee/method/x");
        var message = await AssertDirectInvokeFailureAsync(response, "failed to invoke, id: callee, err: ");
        Assert.Contains("app is not in a healthy state", message);
    }

    [Fact]
    public async Task The_callee_sends_APP_API_TOKEN_to_its_app()
    {
        await using var pair = await InvocationPair.StartAsync(configureCallee: o => o with { AppApiToken = "app-secret" });
        using var response = await pair.Caller.Client.GetAsync("/v1.0/invoke/callee/method/secured");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = await pair.App.WaitForAsync(r => r.Path == "/secured");
        Assert.Equal("app-secret", received.Header("dapr-api-token"));
    }

    [Fact]
    public async Task The_caller_requires_DAPR_API_TOKEN_and_does_not_forward_it()
    {
        await using var pair = await InvocationPair.StartAsync(configureCaller: o => o with { ApiToken = "caller-token" });
        using (var denied = await pair.Caller.Client.GetAsync("/v1.0/invoke/callee/method/guarded"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        }

        using (var deniedFallback = new HttpRequestMessage(HttpMethod.Get, "/guarded") { Headers = { { "dapr-app-id", "callee" } } })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await pair.Caller.Client.SendAsync(deniedFallback)).StatusCode);
        }

        Assert.Empty(pair.App.ReceivedFromCallers);
        using var allowed = new HttpRequestMessage(HttpMethod.Get, "/v1.0/invoke/callee/method/guarded") { Headers = { { "dapr-api-token", "caller-token" } } };
        Assert.Equal(HttpStatusCode.OK, (await pair.Caller.Client.SendAsync(allowed)).StatusCode);
        var received = await pair.App.WaitForAsync(r => r.Path == "/guarded");
        Assert.Null(received.Header("dapr-api-token"));
    }

    [Fact]
    public async Task A_sidecar_invoking_its_own_app_id_calls_its_app()
    {
        await using var pair = await InvocationPair.StartAsync();
        using var response = await pair.Callee.Client.GetAsync("/v1.0/invoke/callee/method/self");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await pair.App.WaitForAsync(r => r.Path == "/self");
    }

    [Fact]
    public async Task Calls_are_spread_round_robin_over_the_replicas_of_an_app_id()
    {
        await using var pair = await InvocationPair.StartAsync();
        await using var secondApp = await TestApp.StartAsync(InvocationPair.MapApp);
        await using var secondCallee = await SidecarHarness.StartAsync("callee", secondApp, environment: pair.Environment);
        await secondCallee.WaitReadyAsync();

        for (var i = 0; i < 20; i++)
        {
            using var response = await pair.Caller.Client.GetAsync($"/v1.0/invoke/callee/method/spread/{i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(10, pair.App.Received.Count(r => r.Path.StartsWith("/spread/", StringComparison.Ordinal)));
        Assert.Equal(10, secondApp.Received.Count(r => r.Path.StartsWith("/spread/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task When_a_replica_stops_calls_go_to_the_remaining_one()
    {
        await using var pair = await InvocationPair.StartAsync();
        await using var secondApp = await TestApp.StartAsync(InvocationPair.MapApp);
        var secondCallee = await SidecarHarness.StartAsync("callee", secondApp, environment: pair.Environment);
        await secondCallee.WaitReadyAsync();
        await secondCallee.DisposeAsync();

        for (var i = 0; i < 10; i++)
        {
            using var response = await pair.Caller.Client.GetAsync($"/v1.0/invoke/callee/method/remaining/{i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(10, pair.App.Received.Count(r => r.Path.StartsWith("/remaining/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_instance_that_refuses_connections_is_skipped_for_the_next_live_one()
    {
        await using var pair = await InvocationPair.StartAsync();
        // A registration left behind by a sidecar that died without unregistering: nothing listens on its port.
        await using var stale = pair.Environment.NameResolver.Register(
            new SidecarAddress("callee", "0-stale", "127.0.0.1", HealthAndMetadataConformanceTests.FreePort(), Environment.ProcessId));

        for (var i = 0; i < 6; i++)
        {
            using var response = await pair.Caller.Client.PostAsync($"/v1.0/invoke/callee/method/failover/{i}", Json.Body($$"""{"call":{{i}}}"""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var received = pair.App.Received.Where(r => r.Path.StartsWith("/failover/", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, received.Count);
        Assert.All(received, r => Assert.Equal($$"""{"call":{{r.Path["/failover/".Length..]}}}""", r.Body));
    }

    [Fact]
    public async Task The_call_goes_through_the_callee_sidecar_not_straight_to_the_app()
    {
        await using var pair = await InvocationPair.StartAsync();
        await pair.StopCalleeAsync();
        using var response = await pair.Caller.Client.GetAsync("/v1.0/invoke/callee/method/x");
        await AssertDirectInvokeFailureAsync(response, "failed to invoke, id: callee, err: ");
        Assert.Empty(pair.App.ReceivedFromCallers);
    }

    [Fact]
    public async Task An_app_resiliency_retry_policy_retries_failed_answers()
    {
        using var resources = ResiliencyResources("""
            retries:
              twice: {policy: constant, duration: 10ms, maxRetries: 2}
            """, "retry: twice");
        await using var pair = await InvocationPair.StartAsync(configureCaller: o => o with { ResourcesPaths = [resources.Path] });
        using var response = await pair.Caller.Client.PostAsync("/v1.0/invoke/callee/method/flaky", Json.Body("""{"n":1}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("recovered", await response.Content.ReadAsStringAsync());
        var attempts = pair.App.Received.Where(r => r.Path == "/flaky").ToList();
        Assert.Equal(3, attempts.Count);
        Assert.All(attempts, a => Assert.Equal("""{"n":1}""", a.Body));
    }

    [Fact]
    public async Task An_app_resiliency_timeout_fails_a_slow_call_with_ERR_DIRECT_INVOKE()
    {
        using var resources = ResiliencyResources("""
            timeouts:
              quick: 200ms
            """, "timeout: quick");
        await using var pair = await InvocationPair.StartAsync(configureCaller: o => o with { ResourcesPaths = [resources.Path] });
        using var response = await pair.Caller.Client.GetAsync("/v1.0/invoke/callee/method/slow");
        await AssertDirectInvokeFailureAsync(response, "failed to invoke, id: callee, err: ");
    }

    private static async Task<string> AssertDirectInvokeFailureAsync(HttpResponseMessage response, string messagePrefix)
    {
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await Json.ReadAsync(response);
        Assert.Equal("ERR_DIRECT_INVOKE", body["errorCode"]!.GetValue<string>());
        var message = body["message"]!.GetValue<string>();
        Assert.StartsWith(messagePrefix, message);
        Assert.True(message.Length > messagePrefix.Length, "the error names its cause");
        return message;
    }

    private static TempResources ResiliencyResources(string policies, string target)
    {
        var indentedPolicies = string.Join('\n', policies.Split('\n').Select(line => "    " + line));
        var folder = new TempResources();
        folder.Write("resiliency.yaml", $"""
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: invocation
            spec:
              policies:
            {indentedPolicies}
              targets:
                apps:
                  callee:
                    {target}
            """);
        return folder;
    }

    /// <summary>A caller sidecar (no app) and a callee sidecar in front of a <see cref="TestApp"/>, in one environment.</summary>
    private sealed class InvocationPair : IAsyncDisposable
    {
        private bool _appStopped;
        private bool _calleeStopped;

        public required SidecarEnvironment Environment { get; init; }

        public required SidecarHarness Caller { get; init; }

        public required SidecarHarness Callee { get; init; }

        public required TestApp App { get; init; }

        public static async Task<InvocationPair> StartAsync(
            Func<SidecarOptions, SidecarOptions>? configureCaller = null,
            Func<SidecarOptions, SidecarOptions>? configureCallee = null)
        {
            SidecarHarness.RequireInProcess();
            var environment = SidecarHarness.NewEnvironment();
            var flaky = 0;
            var app = await TestApp.StartAsync(web =>
            {
                web.MapPost("/flaky", () => Interlocked.Increment(ref flaky) < 3 ? Results.StatusCode(503) : Results.Text("recovered"));
                MapApp(web);
            });
            var callee = await SidecarHarness.StartAsync("callee", app, environment: environment, configure: configureCallee);
            var caller = await SidecarHarness.StartAsync("caller", environment: environment, configure: configureCaller);
            await callee.WaitReadyAsync();
            return new InvocationPair { Environment = environment, Caller = caller, Callee = callee, App = app };
        }

        public static void MapApp(WebApplication web)
        {
            web.MapGet("/status/{code:int}", (int code, HttpResponse response) =>
            {
                response.Headers["X-From-App"] = "yes";
                return Results.Text($"app says {code}", "text/x-app", statusCode: code);
            });
            web.MapGet("/slow", async (CancellationToken aborted) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(5), aborted);
                return Results.Text("late");
            });
            web.MapFallback("{**path}", () => Results.Text("ok"));
        }

        public async Task StopAppAsync()
        {
            _appStopped = true;
            await App.DisposeAsync();
        }

        public async Task StopCalleeAsync()
        {
            _calleeStopped = true;
            await Callee.DisposeAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await Caller.DisposeAsync();
            if (!_calleeStopped)
            {
                await Callee.DisposeAsync();
            }

            if (!_appStopped)
            {
                await App.DisposeAsync();
            }
        }
    }

    private sealed class TempResources : IDisposable
    {
        public TempResources() => Directory.CreateDirectory(Path);

        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sidecart-tests", Guid.NewGuid().ToString("N"));

        public void Write(string name, string content) => File.WriteAllText(System.IO.Path.Combine(Path, name), content);

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
