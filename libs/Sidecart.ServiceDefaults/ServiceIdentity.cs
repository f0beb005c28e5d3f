using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Sidecart.ServiceDefaults;

/// <summary>The name a service reports in logs and telemetry: its Dapr app id when it runs beside a sidecar.</summary>
public static class ServiceIdentity
{
    public static string AppId(IHostApplicationBuilder builder) => AppId(builder.Configuration, builder.Environment);

    public static string AppId(IConfiguration configuration, IHostEnvironment environment) =>
        configuration["APP_ID"] is { Length: > 0 } appId ? appId : environment.ApplicationName;
}
