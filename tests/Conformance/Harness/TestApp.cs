using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Conformance.Harness;

/// <summary>A real ASP.NET app on a free loopback port that plays the part of the user's app behind a sidecar.
/// Tests map the endpoints they need; every request that reaches the app is recorded.</summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApp(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public ConcurrentQueue<RecordedRequest> Received { get; } = new();

    /// <summary>What reached the app apart from the sidecar's own discovery calls (<c>GET /dapr/config</c>,
    /// <c>GET /dapr/subscribe</c>), which daprd makes to every app at startup.</summary>
    public IEnumerable<RecordedRequest> ReceivedFromCallers => Received.Where(r => !r.Path.StartsWith("/dapr/", StringComparison.Ordinal));

    public static async Task<TestApp> StartAsync(Action<WebApplication> map, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        TestApp? self = null;
        app.Use(async (http, next) =>
        {
            http.Request.EnableBuffering();
            using var reader = new StreamReader(http.Request.Body, leaveOpen: true);
            var body = await reader.ReadToEndAsync();
            http.Request.Body.Position = 0;
            self!.Received.Enqueue(new RecordedRequest(
                http.Request.Method,
                http.Request.Path.Value ?? "",
                http.Request.QueryString.Value ?? "",
                http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body));
            await next(http);
        });
        map(app);
        await app.StartAsync();
        var bound = new Uri(app.Urls.First()).Port;
        self = new TestApp(app, bound);
        return self;
    }

    /// <summary>Waits until a request matching <paramref name="predicate"/> has arrived.</summary>
    public async Task<RecordedRequest> WaitForAsync(Func<RecordedRequest, bool> predicate, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            if (Received.FirstOrDefault(predicate) is { } found)
            {
                return found;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"no matching request reached the app; it received: {string.Join(", ", Received.Select(r => $"{r.Method} {r.Path}"))}");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record RecordedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
