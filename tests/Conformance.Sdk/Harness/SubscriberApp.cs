using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Conformance.Sdk.Harness;

/// <summary>An app written the way Dapr.AspNetCore users write one (<c>UseCloudEvents</c>, <c>MapSubscribeHandler</c>,
/// <c>WithTopic</c> / <c>[Topic]</c>), listening on a free port, recording what its handlers receive.</summary>
public sealed class SubscriberApp : IAsyncDisposable
{
    private readonly HostedApp _app;

    private SubscriberApp(HostedApp app, Received received)
    {
        _app = app;
        Received = received;
    }

    public int Port => _app.Port;

    public Received Received { get; }

    public static async Task<SubscriberApp> StartAsync(Action<WebApplication, Received> map)
    {
        var received = new Received();
        var app = await HostedApp.StartAsync(0,
            builder =>
            {
                builder.Services.AddControllers().AddDapr();
                builder.Services.AddSingleton(received);
            },
            web =>
            {
                web.UseCloudEvents();
                web.MapSubscribeHandler();
                web.MapControllers();
                web.MapGet("/healthz", () => "ok");
                map(web, received);
            });
        return new SubscriberApp(app, received);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
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
