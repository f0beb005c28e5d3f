using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using LocalSidecar.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Conformance.Harness;

/// <summary>An app hosting actors behind its own sidecar: the <see cref="TestApp"/> answers <c>GET /dapr/config</c>
/// with <see cref="Config"/>, method calls (<c>PUT /actors/{type}/{id}/method/{**method}</c>) through
/// <see cref="OnMethod"/> (200 <c>"ok"</c> by default) and deactivations with 200.</summary>
public sealed class ActorHost : IAsyncDisposable
{
    private ActorHost(TestApp app, JsonObject config)
    {
        App = app;
        Config = config;
    }

    public TestApp App { get; }

    public SidecarHarness Sidecar { get; private set; } = null!;

    public JsonObject Config { get; }

    /// <summary>Handles a method, reminder (<c>remind/{name}</c>) or timer (<c>timer/{name}</c>) callback.</summary>
    public Func<HttpContext, string, string, string, Task<IResult>> OnMethod { get; set; } =
        (_, _, _, _) => Task.FromResult(Results.Json("ok"));

    /// <summary>Requests that reached the app for one actor (method, reminder and timer callbacks, deactivation).</summary>
    public IReadOnlyList<RecordedRequest> ReceivedFor(string actorType, string actorId) =>
        App.Received.Where(r => r.Path.StartsWith($"/actors/{actorType}/{actorId}/", StringComparison.Ordinal) || r.Path == $"/actors/{actorType}/{actorId}").ToList();

    public static JsonObject ConfigFor(params string[] actorTypes) =>
        new() { ["entities"] = new JsonArray(actorTypes.Select(t => (JsonNode)t).ToArray()) };

    public static async Task<ActorHost> StartAsync(
        string appId,
        JsonObject config,
        SidecarEnvironment environment,
        int appPort = 0,
        Func<SidecarOptions, SidecarOptions>? configure = null,
        IReadOnlyList<string>? resourcesPaths = null)
    {
        ActorHost? host = null;
        var app = await TestApp.StartAsync(web =>
        {
            web.MapGet("/dapr/config", () => Results.Json(host!.Config));
            web.MapPut("/actors/{actorType}/{actorId}/method/{**method}", (HttpContext http, string actorType, string actorId, string method) =>
                host!.OnMethod(http, actorType, actorId, method));
            web.MapDelete("/actors/{actorType}/{actorId}", () => Results.Ok());
        }, appPort);
        host = new ActorHost(app, config);
        try
        {
            await host.StartSidecarAsync(appId, environment, configure, resourcesPaths);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>Waits until <c>/v1.0/metadata</c> reports the actor host ready.</summary>
    public async Task WaitHostReadyAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            var metadata = JsonNode.Parse(await Sidecar.Client.GetStringAsync("/v1.0/metadata"))!;
            if (metadata["actorRuntime"]?["hostReady"]?.GetValue<bool>() == true && metadata["actorRuntime"]?["runtimeStatus"]?.GetValue<string>() == "RUNNING")
            {
                return;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException("the actor host did not become ready");
    }

    /// <summary>Polls until <paramref name="condition"/> holds.</summary>
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

    public static string NewId(string prefix = "actor") => $"{prefix}-{Guid.NewGuid():N}";

    public async ValueTask DisposeAsync()
    {
        await Sidecar.DisposeAsync();
        await App.DisposeAsync();
    }

    private async Task StartSidecarAsync(string appId, SidecarEnvironment environment, Func<SidecarOptions, SidecarOptions>? configure, IReadOnlyList<string>? resourcesPaths)
    {
        Sidecar = await SidecarHarness.StartAsync(appId, App, resourcesPaths, environment, configure);
    }
}

/// <summary>Counts how many calls are inside the app at once, per actor id and overall.</summary>
public sealed class ConcurrencyProbe
{
    private readonly ConcurrentDictionary<string, int> _current = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _max = new(StringComparer.Ordinal);
    private int _overall;

    public int MaxOverall { get; private set; }

    public int MaxFor(string actorId) => _max.GetValueOrDefault(actorId);

    public async Task EnterAsync(string actorId, TimeSpan hold)
    {
        var now = _current.AddOrUpdate(actorId, 1, (_, c) => c + 1);
        _max.AddOrUpdate(actorId, now, (_, m) => Math.Max(m, now));
        var overall = Interlocked.Increment(ref _overall);
        lock (_max)
        {
            MaxOverall = Math.Max(MaxOverall, overall);
        }

        await Task.Delay(hold);
        Interlocked.Decrement(ref _overall);
        _current.AddOrUpdate(actorId, 0, (_, c) => c - 1);
    }
}
