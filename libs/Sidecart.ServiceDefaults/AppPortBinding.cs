using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Sidecart.ServiceDefaults;

/// <summary>
/// Listens on <c>APP_PORT</c> when the app was started by <c>dapr run</c> (or the local runner), which is how the
/// sidecar and the app agree on the port: on loopback (or <c>APP_CHANNEL_ADDRESS</c>) by default, on every interface
/// when <c>App:BindAll</c> is true (<c>App__BindAll=true</c>; containers, where probes and peers come from outside).
/// An explicit <c>--urls</c> / <c>ASPNETCORE_URLS</c> still wins over both.
/// </summary>
public static class AppPortBinding
{
    public const string BindAllSwitch = "App:BindAll";

    public static void ListenOnAppPort(IHostApplicationBuilder builder)
    {
        if (builder is not WebApplicationBuilder web
            || ExplicitUrls(builder.Configuration) is not null
            || !int.TryParse(builder.Configuration["APP_PORT"], out var port)
            || port is <= 0 or > 65535)
        {
            return;
        }

        web.WebHost.UseUrls($"http://{Host(builder.Configuration)}:{port}");
    }

    private static string? ExplicitUrls(IConfiguration configuration) =>
        configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } urls ? urls
        : configuration["ASPNETCORE_URLS"] is { Length: > 0 } aspNetCoreUrls ? aspNetCoreUrls
        : null;

    // Kestrel reads "*" as every interface, IPv6 and IPv4 (or IPv4 only where IPv6 is off).
    private static string Host(IConfiguration configuration) =>
        configuration.GetValue<bool>(BindAllSwitch) ? "*"
        : configuration["APP_CHANNEL_ADDRESS"] is { Length: > 0 } address ? address
        : "127.0.0.1";
}
