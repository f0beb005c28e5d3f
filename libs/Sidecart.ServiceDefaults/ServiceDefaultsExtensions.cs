using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Sidecart.ServiceDefaults;
using Sidecart.ServiceDefaults.Logging;
using Sidecart.ServiceDefaults.OpenApi;

namespace Microsoft.Extensions.Hosting;

/// <summary>What every Sidecart service shares, in the style of dotnet/eShop's ServiceDefaults.</summary>
public static class ServiceDefaultsExtensions
{
    public const string HealthPath = "/healthz";
    public const string OpenApiDocumentPath = "/openapi/v1.json";
    public const string SwaggerUiPath = OpenApiExtensions.SwaggerUiPath;

    /// <summary>Listening on <c>APP_PORT</c> when set (loopback unless <c>App:BindAll</c>), Serilog logs (text, or JSON
    /// with <c>Logging:Json</c>), OpenTelemetry over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, health checks,
    /// ProblemDetails and the OpenAPI document.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        AppPortBinding.ListenOnAppPort(builder);
        builder.AddSerilogLogging();
        builder.AddOpenTelemetryExport();
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        builder.Services.AddProblemDetails();
        builder.AddOpenApiDocument();
        return builder;
    }

    /// <summary>
    /// Logs every request, turns unhandled exceptions and empty error responses into ProblemDetails, and maps
    /// <c>GET /healthz</c>, the OpenAPI document (<c>/openapi/v1.json</c>) and Swagger UI (<c>/swagger</c>). Call it right
    /// after <c>Build()</c> so the request log and the error handling wrap everything.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseRequestLogging(HealthPath);
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        app.MapHealthChecks(HealthPath);
        app.MapOpenApiDocument();
        return app;
    }
}
