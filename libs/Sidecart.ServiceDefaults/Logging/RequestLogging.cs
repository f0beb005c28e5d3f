using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Serilog;
using Serilog.Events;

namespace Sidecart.ServiceDefaults.Logging;

/// <summary>
/// One line per request (<c>HTTP GET /products responded 200 in 3.1 ms</c>) with the request's trace and span ids:
/// method, path without the query string, status and time, never headers or bodies. The sidecar's health probes are
/// logged at Debug so they do not drown everything else every few seconds.
/// </summary>
internal static class RequestLogging
{
    public static IApplicationBuilder UseRequestLogging(this IApplicationBuilder app, PathString healthPath) =>
        app.UseSerilogRequestLogging(options =>
        {
            // The app's own logger (AddSerilogLogging keeps the static one untouched).
            options.Logger = app.ApplicationServices.GetService<Serilog.ILogger>();
            options.IncludeQueryInRequestPath = false;
            options.GetLevel = (context, _, exception) =>
                exception is not null || context.Response.StatusCode >= StatusCodes.Status500InternalServerError ? LogEventLevel.Error
                : context.Request.Path.StartsWithSegments(healthPath) ? LogEventLevel.Debug
                : LogEventLevel.Information;
        });
}
