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

/// <summary>An app on a free port whose requests are answered by the test's handler; <c>GET /dapr/subscribe</c>
/// answers the subscriptions given (none by default).</summary>
internal sealed class ScriptedApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ScriptedApp(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<ScriptedApp> StartAsync(RequestDelegate handler, string subscriptions = "[]")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(http =>
        {
            if (http.Request.Path != "/dapr/subscribe")
            {
                return handler(http);
            }

            http.Response.ContentType = "application/json";
            return http.Response.WriteAsync(subscriptions);
        });
        await app.StartAsync();
        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First()).Port;
        return new ScriptedApp(app, port);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
