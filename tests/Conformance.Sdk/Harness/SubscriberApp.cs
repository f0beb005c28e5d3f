using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Conformance.Sdk.Harness;

/// <summary>An app written the way Dapr.AspNetCore users write one (<c>UseCloudEvents</c>, <c>MapSubscribeHandler</c>,
/// <c>WithTopic</c> / <c>[Topic]</c>), listening on a free port, recording what its handlers receive.</summary>
public sealed class SubscriberApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SubscriberApp(WebApplication app, Received received)
    {
        _app = app;
        Received = received;
        Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;
    }

    public int Port { get; }

    public Received Received { get; }

    public static async Task<SubscriberApp> StartAsync(Action<WebApplication, Received> map)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddControllers().AddDapr();
        var received = new Received();
        builder.Services.AddSingleton(received);
        var app = builder.Build();
        app.UseCloudEvents();
        app.MapSubscribeHandler();
        app.MapControllers();
        app.MapGet("/healthz", () => "ok");
        map(app, received);
        await app.StartAsync();
        return new SubscriberApp(app, received);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>What the handlers received, per route.</summary>
public sealed class Received
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _byRoute = new(StringComparer.Ordinal);

    public void Add(string route, string body) => _byRoute.GetOrAdd(route, _ => new ConcurrentQueue<string>()).Enqueue(body);

    public IReadOnlyList<string> At(string route) => _byRoute.TryGetValue(route, out var queue) ? queue.ToArray() : [];

    public Task<IReadOnlyList<string>> WaitForAsync(string route, int count) =>
        Sidecart.Testing.Eventually.UntilAsync(() => Task.FromResult(At(route)), r => r.Count >= count,
            $"{count} deliveries to {route}", TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(20));
}
