using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Sidecart.ServiceDefaults;
using Sidecart.ServiceDefaults.Logging;

namespace Microsoft.Extensions.Hosting;

public static class SerilogLoggingExtensions
{
    /// <summary>
    /// Makes Serilog the app's logger, writing to stdout one line per event: plain text by default, JSON (CLEF:
    /// <c>@t</c>, <c>@m</c>, <c>@l</c>, <c>@tr</c>, <c>@sp</c>, <c>SourceContext</c>, <c>app_id</c>...) when
    /// <c>Logging:Json</c> is true. Every event written inside a request carries the request's trace and span ids.
    /// Levels come from the usual <c>Logging:LogLevel</c> section. Nothing here logs request bodies or headers, which
    /// may carry tokens and secrets.
    /// </summary>
    public static TBuilder AddSerilogLogging<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        // The host's default console, debug and event-source providers would print every event a second time.
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(
            (services, logger) =>
            {
                // Read when the app is built, so settings a test host adds after AddServiceDefaults still count.
                var configuration = services.GetRequiredService<IConfiguration>();
                logger
                    .ApplyLogLevels(configuration)
                    .Enrich.FromLogContext()
                    .Enrich.WithProperty("app_id", ServiceIdentity.AppId(configuration, services.GetRequiredService<IHostEnvironment>()))
                    .Enrich.With<HttpClientHeaderRedaction>()
                    .WriteTo.Console(Formatter(configuration));
            },
            // Several apps may share a process (tests host them side by side): each keeps its own logger instead of
            // taking over the static Log.Logger.
            preserveStaticLogger: true,
            // ILoggerProviders registered with the container (OpenTelemetry's, a test's capture) still get every event.
            writeToProviders: true);
        return builder;
    }

    private static ITextFormatter Formatter(IConfiguration configuration) =>
        LogFormat.IsJson(configuration) ? new RenderedCompactJsonFormatter() : new PlainTextFormatter();
}
