using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Extensions.Logging;
using Serilog.Formatting;

namespace LocalSidecar.Logging;

/// <summary>The sidecar's logs as daprd writes them (<see cref="DaprLogFormatter"/>): text lines, or JSON lines with
/// <c>--log-as-json</c>, at <c>--log-level</c>.</summary>
public static class SidecarLogging
{
    /// <summary>daprd's API loggers log at info whatever <c>--log-level</c> says.</summary>
    private static readonly string[] ApiLoggers = ["dapr.runtime.http-info", "dapr.runtime.grpc.api-info"];

    /// <param name="json"><c>--log-as-json</c>.</param>
    /// <param name="output">Where the lines go; null is the console.</param>
    public static ILoggerFactory CreateLoggerFactory(string appId, Microsoft.Extensions.Logging.LogLevel level, bool json, TextWriter? output = null)
    {
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(ToSerilog(level))
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting", LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning);
        foreach (var apiLogger in ApiLoggers)
        {
            configuration = configuration.MinimumLevel.Override(apiLogger, LogEventLevel.Information);
        }

        var formatter = new DaprLogFormatter(json, appId, Api.Universal.MetadataOperations.RuntimeVersion);
        configuration = output is null
            ? configuration.WriteTo.Console(formatter)
            : configuration.WriteTo.Sink(new TextWriterSink(formatter, output));
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
