using System.Diagnostics;
using Serilog.Core;
using Serilog.Events;

namespace Sidecart.ServiceDefaults.Logging;

/// <summary>Adds <c>trace_id</c> and <c>span_id</c> of <see cref="Activity.Current"/> so log lines join their traces.</summary>
internal sealed class ActivityTraceEnricher : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (Activity.Current is not { } activity)
        {
            return;
        }

        logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty("trace_id", activity.TraceId.ToHexString()));
        logEvent.AddPropertyIfAbsent(propertyFactory.CreateProperty("span_id", activity.SpanId.ToHexString()));
    }
}
