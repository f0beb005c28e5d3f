using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using LocalSidecar.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Conformance.Harness;

/// <summary>A subscriber app (answering <c>GET /dapr/subscribe</c> with fixed JSON and every POST with a
/// test-chosen response) behind an in-process sidecar, plus helpers to publish and to read deliveries.</summary>
public sealed class PubSubScenario : IAsyncDisposable
{
    private PubSubScenario(TestApp app, SidecarHarness sidecar)
    {
        App = app;
        Sidecar = sidecar;
    }

    public TestApp App { get; }

    public SidecarHarness Sidecar { get; }

    /// <summary>Starts the app and its sidecar and waits until the sidecar lists <paramref name="expectedSubscriptions"/>
    /// subscriptions. <paramref name="respond"/> answers deliveries (default: 200 with an empty body).</summary>
    public static async Task<PubSubScenario> StartAsync(
        string subscriptionsJson,
        Func<HttpContext, Task<IResult>>? respond = null,
        string appId = "subscriber",
        SidecarEnvironment? environment = null,
        IReadOnlyList<string>? resourcesPaths = null,
        Func<SidecarOptions, SidecarOptions>? configure = null,
        int? expectedSubscriptions = null)
    {
        SidecarHarness.RequireInProcess();
        var app = await StartAppAsync(subscriptionsJson, respond);
        var sidecar = await SidecarHarness.StartAsync(appId, app, resourcesPaths, environment, configure);
        var scenario = new PubSubScenario(app, sidecar);
        await WaitSubscribedAsync(sidecar, expectedSubscriptions ?? JsonNode.Parse(subscriptionsJson)!.AsArray().Count);
        return scenario;
    }

    public static Task<TestApp> StartAppAsync(string subscriptionsJson, Func<HttpContext, Task<IResult>>? respond = null, int port = 0) =>
        TestApp.StartAsync(app =>
        {
            Func<HttpContext, Task<IResult>> deliver = respond ?? (_ => Task.FromResult(Results.Ok()));
            app.MapGet("/dapr/subscribe", () => Results.Text(subscriptionsJson, "application/json"));
            app.MapPost("/{**path}", deliver);
        }, port);

    /// <summary>Polls <c>GET /v1.0/metadata</c> until the sidecar lists at least <paramref name="count"/> subscriptions.</summary>
    public static async Task<JsonArray> WaitSubscribedAsync(SidecarHarness sidecar, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var subscriptions = (await Json.ReadAsync(await sidecar.Client.GetAsync("/v1.0/metadata")))["subscriptions"]!.AsArray();
            if (subscriptions.Count >= count)
            {
                return subscriptions;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the sidecar lists {subscriptions.Count} subscriptions, expected {count}");
            }

            await Task.Delay(20);
        }
    }

    public Task<HttpResponseMessage> PublishAsync(string topic, string body, string? contentType = "application/json", string query = "") =>
        PublishAsync(Sidecar, topic, body, contentType, query);

    public static async Task<HttpResponseMessage> PublishAsync(SidecarHarness sidecar, string topic, string body, string? contentType = "application/json", string query = "")
    {
        var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        var response = await sidecar.Client.PostAsync($"/v1.0/publish/pubsub/{topic}{query}", content);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
        return response;
    }

    /// <summary>Deliveries the app received on <paramref name="path"/>, as parsed CloudEvents.</summary>
    public IReadOnlyList<JsonObject> Events(string path) => EventsOf(App, path);

    public static IReadOnlyList<JsonObject> EventsOf(TestApp app, string path) =>
        app.Received.Where(r => r.Method == "POST" && r.Path == path).Select(r => JsonNode.Parse(r.Body)!.AsObject()).ToList();

    /// <summary>Waits for a delivery on <paramref name="path"/> whose CloudEvent satisfies <paramref name="predicate"/>.</summary>
    public async Task<(RecordedRequest Request, JsonObject Event)> WaitForEventAsync(string path, Func<JsonObject, bool>? predicate = null)
    {
        var request = await App.WaitForAsync(r => r.Method == "POST" && r.Path == path && (predicate is null || predicate(JsonNode.Parse(r.Body)!.AsObject())));
        return (request, JsonNode.Parse(request.Body)!.AsObject());
    }

    /// <summary>Waits until <paramref name="condition"/> holds, polling.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Sidecar.DisposeAsync();
        await App.DisposeAsync();
    }
}
