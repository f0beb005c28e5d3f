using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Sidecart.ServiceDefaults.Tests.Support;

/// <summary>An app wired the way every Sidecart service is: AddServiceDefaults, then MapDefaultEndpoints.</summary>
public static class ServiceDefaultsApp
{
    public static async Task<WebApplication> StartAsync(
        Action<WebApplication> map,
        IReadOnlyDictionary<string, string?>? configuration = null,
        Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["APP_ID"] = "ordering",
            // Keep test output quiet unless a test asks for more.
            ["Logging:LogLevel:Default"] = "Warning",
            // Text logs and no exporter unless a test asks, whatever the environment (CI) sets.
            ["Logging:Json"] = null,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = null,
        });
        if (configuration is not null)
        {
            builder.Configuration.AddInMemoryCollection(configuration);
        }

        builder.AddServiceDefaults();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        map(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }
}
