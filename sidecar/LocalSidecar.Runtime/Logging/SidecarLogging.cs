using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Extensions.Logging;
using Serilog.Formatting;
using Serilog.Formatting.Json;

namespace LocalSidecar.Logging;

/// <summary>The sidecar's structured logs: one JSON object per line with the app id and, inside a request,
/// the W3C trace and span ids.</summary>
public static class SidecarLogging
{
    /// <param name="output">Where the JSON lines go; null is the console.</param>
    public static ILoggerFactory CreateJsonLoggerFactory(string appId, Microsoft.Extensions.Logging.LogLevel level, TextWriter? output = null)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(ToSerilog(level))
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting", LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
            .Enrich.WithProperty("app_id", appId)
            .Enrich.WithProperty("scope", "dapr.runtime")
            .Enrich.With<ActivityEnricher>();
        configuration = output is null
            ? configuration.WriteTo.Console(new JsonFormatter(renderMessage: true))
            : configuration.WriteTo.Sink(new TextWriterSink(new JsonFormatter(renderMessage: true), output));
        return new SerilogLoggerFactory(configuration.CreateLogger(), dispose: true);
    }

    private static LogEventLevel ToSerilog(Microsoft.Extensions.Logging.LogLevel level) => level switch
    {
        Microsoft.Extensions.Logging.LogLevel.Trace => LogEventLevel.Verbose,
        Microsoft.Extensions.Logging.LogLevel.Debug => LogEventLevel.Debug,
        Microsoft.Extensions.Logging.LogLevel.Information => LogEventLevel.Information,
        Microsoft.Extensions.Logging.LogLevel.Warning => LogEventLevel.Warning,
        Microsoft.Extensions.Logging.LogLevel.Error => LogEventLevel.Error,
        _ => LogEventLevel.Fatal,
    };

    private sealed class ActivityEnricher : ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
        {
            if (Activity.Current is { } activity)
            {
                logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty("trace_id", activity.TraceId.ToHexString()));
                logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty("span_id", activity.SpanId.ToHexString()));
            }
        }
    }

    private sealed class TextWriterSink(ITextFormatter formatter, TextWriter output) : ILogEventSink
    {
        private readonly Lock _gate = new();

        public void Emit(LogEvent logEvent)
        {
            lock (_gate)
            {
                formatter.Format(logEvent, output);
                output.Flush();
            }
        }
    }
}
