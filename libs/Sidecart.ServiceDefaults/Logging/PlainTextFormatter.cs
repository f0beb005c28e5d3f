using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace Sidecart.ServiceDefaults.Logging;

/// <summary>
/// One line per event for a person at a terminal: time, level, source, message and, inside a request, its trace and
/// span ids (<c>10:15:02.117 INF Sidecart.Catalog.ProductStore: Saved HEADLAMP-400 trace_id=… span_id=…</c>). An
/// exception follows on the next lines.
/// </summary>
internal sealed class PlainTextFormatter : ITextFormatter
{
    private static readonly MessageTemplateTextFormatter Line =
        new("{Timestamp:HH:mm:ss.fff} {Level:u3} {SourceContext}: {Message:lj}", formatProvider: null);

    public void Format(LogEvent logEvent, TextWriter output)
    {
        Line.Format(logEvent, output);
        if (logEvent.TraceId is { } traceId)
        {
            output.Write(" trace_id=");
            output.Write(traceId.ToHexString());
            if (logEvent.SpanId is { } spanId)
            {
                output.Write(" span_id=");
                output.Write(spanId.ToHexString());
            }
        }

        output.WriteLine();
        if (logEvent.Exception is { } exception)
        {
            output.WriteLine(exception);
        }
    }
}
