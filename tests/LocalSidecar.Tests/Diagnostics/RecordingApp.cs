using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LocalSidecar.Tests.Diagnostics;

/// <summary>An app on a free port that answers 200 to everything and keeps the path and <c>traceparent</c> of each
/// request its sidecar sent it; <c>GET /dapr/subscribe</c> subscribes it to <see cref="Topic"/>.</summary>
internal sealed class RecordingApp : IAsyncDisposable
{
    public const string Topic = "orders";

    private readonly WebApplication _app;

    private RecordingApp(WebApplication app) => _app = app;

    public int Port { get; private set; }

    public ConcurrentQueue<(string Path, string Traceparent)> Requests { get; } = new();

    public static async Task<RecordingApp> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var recording = new RecordingApp(app);
        app.Run(http =>
        {
            if (http.Request.Path == "/dapr/subscribe")
            {
                return http.Response.WriteAsJsonAsync(new[] { new { pubsubname = "pubsub", topic = Topic, route = "/events" } });
            }

            if (http.Request.Path != "/dapr/config" && http.Request.Path != "/healthz")
            {
                recording.Requests.Enqueue((http.Request.Path.Value!, http.Request.Headers["traceparent"].ToString()));
            }

            return Task.CompletedTask;
        });
        await app.StartAsync();
        recording.Port = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First()).Port;
        return recording;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
