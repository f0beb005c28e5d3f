using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;

namespace Sidecart.ServiceDefaults;

/// <summary>Listens on <c>APP_PORT</c> when the app was started by <c>dapr run</c> (or the local runner), which is how
/// the sidecar and the app agree on the port. An explicit <c>--urls</c> / <c>ASPNETCORE_URLS</c> still wins.</summary>
internal static class AppPortBinding
{
    public static void ListenOnAppPort(IHostApplicationBuilder builder)
    {
        var explicitUrls = builder.Configuration["urls"] ?? builder.Configuration["ASPNETCORE_URLS"];
        if (builder is not Microsoft.AspNetCore.Builder.WebApplicationBuilder web
            || !string.IsNullOrEmpty(explicitUrls)
            || !int.TryParse(builder.Configuration["APP_PORT"], out var port)
            || port is <= 0 or > 65535)
        {
            return;
        }

        var address = builder.Configuration["APP_CHANNEL_ADDRESS"] is { Length: > 0 } host ? host : "127.0.0.1";
        web.WebHost.UseUrls($"http://{address}:{port}");
    }
}
