using Dapr;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sidecart.Events.Tests.Support;

/// <summary>A minimal-API app on an in-memory TestServer with the pipeline apps have: Dapr.AspNetCore's CloudEvents
/// middleware forwarding the attributes as headers, then the endpoints; its DaprClient talks to a <see cref="FakeSidecar"/>.</summary>
public static class TestApp
{
    public static async Task<WebApplication> StartAsync(FakeSidecar? sidecar, Action<WebApplication> map, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, TestJsonContext.Default));
        if (sidecar is not null)
        {
            builder.Services.AddDaprClient(sidecar.Configure);
        }

        configure?.Invoke(builder);
        var app = builder.Build();
        app.UseCloudEvents(new CloudEventsMiddlewareOptions { ForwardCloudEventPropertiesAsHeaders = true });
        map(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }
}
