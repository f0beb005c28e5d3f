using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Sidecart.ServiceDefaults;

namespace Microsoft.Extensions.Hosting;

/// <summary>What every Sidecart service shares, in the style of dotnet/eShop's ServiceDefaults.</summary>
public static class ServiceDefaultsExtensions
{
    public const string HealthPath = "/healthz";
    public const string OpenApiDocumentPath = "/openapi/v1.json";

    /// <summary>Listening on <c>APP_PORT</c> when set, JSON logs, OTLP telemetry when configured, health checks,
    /// ProblemDetails and the OpenAPI document.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        AppPortBinding.ListenOnAppPort(builder);
        builder.AddJsonConsoleLogging();
        builder.AddOpenTelemetryExport();
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        return builder;
    }

    /// <summary>
    /// Turns unhandled exceptions and empty error responses into ProblemDetails, and maps <c>GET /healthz</c>,
    /// the OpenAPI document and Swagger UI. Call it right after <c>Build()</c> so the error handling wraps everything.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        app.MapHealthChecks(HealthPath);
        app.MapOpenApi();
        app.UseSwaggerUI(options => options.SwaggerEndpoint(OpenApiDocumentPath, $"{app.Environment.ApplicationName} v1"));
        return app;
    }
}
