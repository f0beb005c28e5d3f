using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sidecart.Dapr.Tests.Support;

/// <summary>A minimal-API app on an in-memory TestServer, to exercise the ASP.NET glue the way an app uses it.</summary>
public static class TestApp
{
    public static async Task<WebApplication> StartAsync(Action<WebApplication> map, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, TestJsonContext.Default));
        configure?.Invoke(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }

    public static StringContent CloudEventBody(string json) => new(json, System.Text.Encoding.UTF8, "application/cloudevents+json");
}
