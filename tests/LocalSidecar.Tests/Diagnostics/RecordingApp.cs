using System.Collections.Concurrent;

namespace LocalSidecar.Tests.Diagnostics;

/// <summary>An app on a free port that answers 200 to everything and keeps the path and <c>traceparent</c> of each
/// request its sidecar sent it; <c>GET /dapr/subscribe</c> subscribes it to <see cref="Topic"/>.</summary>
internal sealed class RecordingApp : IAsyncDisposable
{
    public const string Topic = "orders";

    private ScriptedApp? _app;

    public int Port => _app!.Port;

    public ConcurrentQueue<(string Path, string Traceparent)> Requests { get; } = new();

    public static async Task<RecordingApp> StartAsync()
    {
        var recording = new RecordingApp();
        recording._app = await ScriptedApp.StartAsync(
            http =>
            {
                if (http.Request.Path != "/dapr/config" && http.Request.Path != "/healthz")
                {
                    recording.Requests.Enqueue((http.Request.Path.Value!, http.Request.Headers["traceparent"].ToString()));
                }

                return Task.CompletedTask;
            },
            subscriptions: $$"""[{"pubsubname":"pubsub","topic":"{{Topic}}","route":"/events"}]""");
        return recording;
    }

    public ValueTask DisposeAsync() => _app!.DisposeAsync();
}
