using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Conformance.Harness;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Conformance.Scoping;

/// <summary>Input an app or a client could craft to reach what it should not, each with daprd's answer. After every
/// one the sidecar still answers (no crash) and the app has received nothing it should not have.</summary>
public sealed class HostileInputConformanceTests
{
    private sealed class Pair : IAsyncDisposable
    {
        public required SidecarHarness Caller { get; init; }

        public required SidecarHarness Callee { get; init; }

        public required TestApp App { get; init; }

        public static async Task<Pair> StartAsync(Func<LocalSidecar.Hosting.SidecarOptions, LocalSidecar.Hosting.SidecarOptions>? configure = null)
        {
            SidecarHarness.RequireInProcess();
            var environment = SidecarHarness.NewEnvironment();
            var app = await TestApp.StartAsync(web => web.Map("/{**path}", (HttpContext http) => Results.Text("app " + http.Request.Path.Value)));
            var callee = await SidecarHarness.StartAsync("callee", app, environment: environment, configure: configure);
            var caller = await SidecarHarness.StartAsync("caller", environment: environment, configure: configure);
            await callee.WaitReadyAsync();
            return new Pair { Caller = caller, Callee = callee, App = app };
        }

        /// <summary>The sidecars still answer: nothing crashed.</summary>
        public async Task AssertAliveAsync()
        {
            foreach (var sidecar in new[] { Caller, Callee })
            {
                using var health = await sidecar.Client.GetAsync("/v1.0/healthz/outbound");
                Assert.Equal(HttpStatusCode.NoContent, health.StatusCode);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Caller.DisposeAsync();
            await Callee.DisposeAsync();
            await App.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("/v1.0/invoke/callee/method/public/../admin", "/admin")]
    [InlineData("/v1.0/invoke/callee/method/public/./admin", "/public/admin")]
    [InlineData("/v1.0/invoke/callee/method/..%2F..%2Fadmin", "/admin")]
    [InlineData("/v1.0/invoke/callee/method/a%2F..%2F..%2F..%2Fetc%2Fpasswd", "/etc/passwd")]
    public async Task Dot_segments_plain_or_encoded_resolve_once_and_never_above_the_apps_root(string target, string reachesApp)
    {
        await using var pair = await Pair.StartAsync();
        var (status, body) = await RawHttp.SendAsync(pair.Caller.Endpoint, "GET", target);
        Assert.Equal(200, status);
        Assert.Equal("app " + reachesApp, body);
        Assert.DoesNotContain(pair.App.ReceivedFromCallers, r => r.Path.Contains("..", StringComparison.Ordinal));
        await pair.AssertAliveAsync();
    }

    [Theory]
    [InlineData("/v1.0/invoke/callee/method/../../../v1.0/metadata")]
    [InlineData("/v1.0/invoke/callee/method/%2E%2E/%2E%2E/admin")]
    public async Task Dot_segments_that_climb_out_of_the_method_leave_the_invocation_route(string target)
    {
        await using var pair = await Pair.StartAsync();
        var (status, body) = await RawHttp.SendAsync(pair.Caller.Endpoint, "GET", target);
        Assert.Equal(404, status);
        Assert.Equal("ERR_DIRECT_INVOKE", JsonNode.Parse(body)!["errorCode"]!.GetValue<string>());
        Assert.Empty(pair.App.ReceivedFromCallers);
        await pair.AssertAliveAsync();
    }

    [Theory]
    [InlineData("a%0Db", "method contains control character at position 1: \\\"a\\rb\\\"")]
    [InlineData("a%0A%0DX-Injected:%20yes", "method contains control character at position 1")]
    [InlineData("a%3Fadmin=true", "method contains forbidden character")]
    [InlineData("a%23fragment", "method contains forbidden character")]
    [InlineData("a%7Fb", "method contains control character at position 1")]
    public async Task A_method_with_a_forbidden_or_control_character_is_500_ERR_DIRECT_INVOKE_and_reaches_nobody(string method, string detail)
    {
        await using var pair = await Pair.StartAsync();
        foreach (var sidecar in new[] { pair.Caller, pair.Callee })
        {
            var (status, body) = await RawHttp.SendAsync(sidecar.Endpoint, "POST", "/v1.0/invoke/callee/method/" + method);
            Assert.Equal(500, status);
            var error = JsonNode.Parse(body)!;
            Assert.Equal("ERR_DIRECT_INVOKE", error["errorCode"]!.GetValue<string>());
            Assert.StartsWith("failed to invoke, id: callee, err: rpc error: code = InvalidArgument desc = invalid method: ", error["message"]!.GetValue<string>());
            Assert.Contains(detail.Replace("\\\"", "\"", StringComparison.Ordinal), error["message"]!.GetValue<string>());
        }

        Assert.Empty(pair.App.ReceivedFromCallers);
        await pair.AssertAliveAsync();
    }

    [Fact]
    public async Task A_NUL_in_the_method_is_refused_before_routing_and_reaches_nobody()
    {
        await using var pair = await Pair.StartAsync();
        // Kestrel refuses a path that decodes to NUL (400) before any route; daprd refuses the method (500).
        var (status, _) = await RawHttp.SendAsync(pair.Caller.Endpoint, "POST", "/v1.0/invoke/callee/method/a%00b");
        Assert.Equal(400, status);
        Assert.Empty(pair.App.ReceivedFromCallers);
        await pair.AssertAliveAsync();
    }

    [Fact]
    public async Task A_very_long_method_is_refused_before_routing_and_reaches_nobody()
    {
        await using var pair = await Pair.StartAsync();
        var (status, _) = await RawHttp.SendAsync(pair.Caller.Endpoint, "GET", "/v1.0/invoke/callee/method/" + new string('a', 64 * 1024));
        Assert.InRange(status, 400, 499);
        using var longSegments = await pair.Caller.Client.GetAsync("/v1.0/invoke/callee/method/" + string.Join('/', Enumerable.Repeat(new string('b', 200), 30)));
        Assert.Equal(HttpStatusCode.OK, longSegments.StatusCode);
        Assert.DoesNotContain(pair.App.ReceivedFromCallers, r => r.Path.Contains(new string('a', 1024), StringComparison.Ordinal));
        await pair.AssertAliveAsync();
    }

    [Fact]
    public async Task A_header_value_with_a_bare_CR_LF_or_NUL_never_reaches_the_app_inside_a_value()
    {
        await using var pair = await Pair.StartAsync();
        foreach (var header in new[] { "X-Evil: a\rInjected: yes\r\n", "X-Evil: a\nInjected: yes\r\n", "X-Evil: a\u0000b\r\n" })
        {
            var (status, _) = await RawHttp.SendAsync(pair.Caller.Endpoint, "GET", "/v1.0/invoke/callee/method/hello", header);
            // Kestrel either refuses the request or reads a bare line break as the end of the header line; either
            // way no value with a CR, LF or NUL in it goes on to the app.
            Assert.True(status is 200 or 400, $"status {status}");
        }

        Assert.DoesNotContain(pair.App.ReceivedFromCallers, r => r.Headers.Values.Any(v => v.Contains('\r') || v.Contains('\n') || v.Contains('\0')));
        await pair.AssertAliveAsync();
    }

    [Fact]
    public async Task A_forged_caller_or_callee_id_from_an_app_is_replaced_by_the_real_one()
    {
        await using var pair = await Pair.StartAsync();
        foreach (var (sidecar, realCaller) in new[] { (pair.Caller, "caller"), (pair.Callee, "callee") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1.0/invoke/callee/method/forged-by-{realCaller}");
            request.Headers.Add("dapr-caller-app-id", "payments");
            request.Headers.Add("dapr-callee-app-id", "someone-else");
            using var response = await sidecar.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var received = await pair.App.WaitForAsync(r => r.Path == $"/forged-by-{realCaller}");
            Assert.Equal(realCaller, received.Header("dapr-caller-app-id"));
            Assert.Equal("callee", received.Header("dapr-callee-app-id"));
        }

        // The same through the dapr-app-id fallback.
        using var fallback = new HttpRequestMessage(HttpMethod.Get, "/forged-fallback");
        fallback.Headers.Add("dapr-app-id", "callee");
        fallback.Headers.Add("dapr-caller-app-id", "payments");
        using var answered = await pair.Caller.Client.SendAsync(fallback);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Equal("caller", (await pair.App.WaitForAsync(r => r.Path == "/forged-fallback")).Header("dapr-caller-app-id"));
        await pair.AssertAliveAsync();
    }

    [Theory]
    [InlineData("nobody", "failed to invoke, id: nobody, err: couldn't find service: nobody")]
    [InlineData("a.b.c", "invalid app id")]
    public async Task An_unknown_or_malformed_app_id_is_500_ERR_DIRECT_INVOKE(string appId, string message)
    {
        await using var pair = await Pair.StartAsync();
        using var response = await pair.Caller.Client.GetAsync($"/v1.0/invoke/{appId}/method/hello");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await Json.ReadAsync(response);
        Assert.Equal("ERR_DIRECT_INVOKE", body["errorCode"]!.GetValue<string>());
        Assert.Contains(message, body["message"]!.GetValue<string>());
        Assert.Empty(pair.App.ReceivedFromCallers);
        await pair.AssertAliveAsync();
    }

    [Fact]
    public async Task Bodies_over_max_body_size_are_refused_with_413_and_nothing_is_stored_or_published()
    {
        await using var pair = await Pair.StartAsync(o => o with { MaxBodySize = 1024 });
        var big = new string('x', 4096);
        using var saved = await pair.Callee.Client.PostAsync("/v1.0/state/statestore", Json.Body($$"""[{"key":"big","value":"{{big}}"}]"""));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, saved.StatusCode);
        // The connection ends with the refusal (Go's net/http does the same): a next request on it would be cut off.
        Assert.True(saved.Headers.ConnectionClose);
        using var read = await pair.Callee.Client.GetAsync("/v1.0/state/statestore/big");
        Assert.Equal(HttpStatusCode.NoContent, read.StatusCode);
        using var published = await pair.Callee.Client.PostAsync("/v1.0/publish/pubsub/orders", Json.Body($$"""{"pad":"{{big}}"}"""));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, published.StatusCode);
        using var invoked = await pair.Caller.Client.PostAsync("/v1.0/invoke/callee/method/upload", new StringContent(big));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, invoked.StatusCode);
        Assert.True(invoked.Headers.ConnectionClose);
        Assert.DoesNotContain(pair.App.ReceivedFromCallers, r => r.Path == "/upload");
        using var small = await pair.Callee.Client.PostAsync("/v1.0/state/statestore", Json.Body("""[{"key":"small","value":1}]"""));
        Assert.Equal(HttpStatusCode.NoContent, small.StatusCode);
        await pair.AssertAliveAsync();
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2,3]")]
    [InlineData("\"just a string\"")]
    public async Task A_malformed_CloudEvent_is_refused_at_publish(string body)
    {
        await using var pair = await Pair.StartAsync();
        using var response = await pair.Callee.Client.PostAsync("/v1.0/publish/pubsub/orders", Json.Body(body, "application/cloudevents+json"));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("ERR_PUBSUB_CLOUD_EVENTS_SER", await Json.ErrorCodeAsync(response));
        await pair.AssertAliveAsync();
    }

    [Fact]
    public async Task A_published_CloudEvent_carrying_CR_LF_in_its_trace_fields_is_delivered_without_the_injected_header()
    {
        await using var scenario = await PubSubScenario.StartAsync("""[{"pubsubname":"pubsub","topic":"traced","route":"/traced"}]""");
        var cloudEvent = new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = "evt-injection",
            ["source"] = "attacker",
            ["type"] = "t",
            ["datacontenttype"] = "application/json",
            ["data"] = new JsonObject { ["n"] = 1 },
            ["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            ["tracestate"] = "a=b\r\nX-Injected: yes",
        };
        using var published = await scenario.PublishAsync("traced", cloudEvent.ToJsonString(), "application/cloudevents+json");
        Assert.Equal(HttpStatusCode.NoContent, published.StatusCode);
        var delivered = await scenario.App.WaitForAsync(r => r.Path == "/traced");
        Assert.Null(delivered.Header("X-Injected"));
        Assert.DoesNotContain(delivered.Headers.Values, v => v.Contains('\n', StringComparison.Ordinal) || v.Contains('\r', StringComparison.Ordinal));
        Assert.Contains("evt-injection", delivered.Body, StringComparison.Ordinal);
    }
}
