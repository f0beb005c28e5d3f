using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Extensions.Logging;
using Serilog.Formatting.Json;
using Sidecart.ServiceDefaults;
using Sidecart.ServiceDefaults.Logging;

namespace Microsoft.Extensions.Hosting;

public static class JsonLoggingExtensions
{
    /// <summary>
    /// Replaces the logging providers with Serilog writing one JSON object per line to stdout, enriched with
    /// <c>trace_id</c>/<c>span_id</c> and the app's id. Levels come from the usual <c>Logging:LogLevel</c> configuration.
    /// Nothing here logs request bodies or headers, which may carry tokens and secrets.
    /// </summary>
    public static TBuilder AddJsonConsoleLogging<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var logger = new LoggerConfiguration()
            // Everything reaches Serilog; Microsoft.Extensions.Logging's filters (the "Logging" section) decide first.
            .MinimumLevel.Verbose()
            .Enrich.FromLogContext()
            .Enrich.With<ActivityTraceEnricher>()
            .Enrich.WithProperty("app_id", ServiceIdentity.AppId(builder))
            .Enrich.WithProperty("app_name", builder.Environment.ApplicationName)
            .WriteTo.Console(new JsonFormatter(renderMessage: true))
            .CreateLogger();

        builder.Logging.ClearProviders();
        // Created by a factory so the container disposes it at shutdown, flushing the sink.
        builder.Services.AddSingleton<ILoggerProvider>(_ => new SerilogLoggerProvider(logger, dispose: true));
        return builder;
    }
}
