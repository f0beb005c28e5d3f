using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Conformance.Sdk.Harness;

/// <summary>The user's app, hosted in-process by the test: a <see cref="WebApplication"/> on 127.0.0.1, set up the way a
/// Dapr user sets one up (SDK registrations in <c>configure</c>, endpoints in <c>map</c>).</summary>
public sealed class HostedApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HostedApp(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    /// <summary>The port the app listens on, read back after start when it was started on port 0.</summary>
    public int Port { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<HostedApp> StartAsync(int port, Action<WebApplicationBuilder> configure, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        configure(builder);
        var app = builder.Build();
        map(app);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new HostedApp(app, new Uri(app.Urls.First()).Port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
