using Serilog.Core;
using Serilog.Events;

namespace Sidecart.ServiceDefaults.Logging;

/// <summary>
/// Keeps header values of outgoing HTTP calls out of the logs. At Trace, IHttpClientFactory logs each request's and
/// response's headers (event ids 102 and 103): its message redacts every value ("Authorization: *"), but the event's
/// state also lists every header with its raw values, which Serilog would keep as properties and print in JSON lines.
/// Those events keep only the properties that place them, never a header.
/// </summary>
internal sealed class HttpClientHeaderRedaction : ILogEventEnricher
{
    private const string HttpClientCategory = "System.Net.Http.HttpClient.";
    private static readonly HashSet<int> HeaderEventIds = [102, 103];

    private static readonly HashSet<string> Kept = new(StringComparer.Ordinal)
    {
        // The redacted text, which is the message itself, and where the event comes from.
        "HttpHeadersLogValue", "SourceContext", "EventId", "app_id",
        // Scopes: the incoming request and the outgoing call.
        "RequestId", "RequestPath", "ConnectionId", "HttpMethod", "Uri", "Scope",
    };

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (!IsHeaderEvent(logEvent))
        {
            return;
        }

        foreach (var name in logEvent.Properties.Keys.Where(name => !Kept.Contains(name)).ToList())
        {
            logEvent.RemovePropertyIfPresent(name);
        }
    }

    private static bool IsHeaderEvent(LogEvent logEvent) =>
        logEvent.Properties.TryGetValue("SourceContext", out var source)
        && source is ScalarValue { Value: string category }
        && category.StartsWith(HttpClientCategory, StringComparison.Ordinal)
        && logEvent.Properties.TryGetValue("EventId", out var eventId)
        && eventId is StructureValue { Properties: var fields }
        && fields.FirstOrDefault(f => f.Name == "Id")?.Value is ScalarValue { Value: int id }
        && HeaderEventIds.Contains(id);
}
