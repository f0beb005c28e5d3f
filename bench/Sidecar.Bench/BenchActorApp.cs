using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Dapr.Actors;
using Dapr.Actors.Runtime;

namespace Sidecar.Bench;

/// <summary>An app hosting <see cref="PingActor"/> with Dapr.Actors.AspNetCore (JSON serialization), plus the equivalent plain endpoint
/// (<c>POST /ping</c>, echoing a JSON number) that service invocation calls for the baseline.</summary>
public sealed class BenchActorApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BenchActorApp(WebApplication app) => _app = app;

    public int Port => new Uri(_app.Urls.First()).Port;

    /// <summary>Builds the app on <paramref name="port"/>, its sidecar's API at <paramref name="sidecar"/>.</summary>
    public static async Task<BenchActorApp> StartAsync(int port, Uri sidecar)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Services.AddActors(options =>
        {
            options.HttpEndpoint = sidecar.GetLeftPart(UriPartial.Authority);
            options.UseJsonSerialization = true;
            options.Actors.RegisterActor<PingActor>();
        });
        var app = builder.Build();
        app.MapActorsHandlers();
        app.MapPost("/ping", async (HttpRequest request) =>
        {
            using var body = new StreamReader(request.Body);
            return Results.Text(await body.ReadToEndAsync(), "application/json");
        });
        await app.StartAsync();
        return new BenchActorApp(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public interface IPingActor : IActor
{
    Task<int> Ping(int value);
}

[Actor(TypeName = "Ping")]
public sealed class PingActor(ActorHost host) : Actor(host), IPingActor
{
    public Task<int> Ping(int value) => Task.FromResult(value);
}
