using System.Text;
using System.Text.Json.Nodes;

namespace Sidecart.Events.Tests.Support;

/// <summary>CloudEvent envelopes as daprd delivers them to a subscriber (<c>application/cloudevents+json</c>), with the
/// attributes daprd sets on a published event.</summary>
public static class DaprEnvelope
{
    public const string Traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    /// <summary>An envelope around data published as <paramref name="dataContentType"/>: JSON data is embedded as JSON, and
    /// as a string when it does not parse (as daprd does); any other data as a string.</summary>
    public static JsonObject Around(string id, string topic, string data, string dataContentType = "application/json")
    {
        JsonNode? embedded = data;
        if (dataContentType.StartsWith("application/json", StringComparison.Ordinal))
        {
            try
            {
                embedded = JsonNode.Parse(data);
            }
            catch (System.Text.Json.JsonException)
            {
                embedded = data;
            }
        }

        return new JsonObject
        {
            ["id"] = id,
            ["source"] = "publisher",
            ["type"] = "com.dapr.event.sent",
            ["specversion"] = "1.0",
            ["datacontenttype"] = dataContentType,
            ["data"] = embedded,
            ["topic"] = topic,
            ["pubsubname"] = "pubsub",
            ["traceid"] = Traceparent,
            ["traceparent"] = Traceparent,
            ["tracestate"] = "",
            ["time"] = "2026-01-01T10:00:00Z",
        };
    }

    /// <summary>The request daprd sends: the envelope as <c>application/cloudevents+json</c>, with the trace header.</summary>
    public static HttpRequestMessage Delivery(string route, JsonObject envelope) => Delivery(route, envelope.ToJsonString());

    public static HttpRequestMessage Delivery(string route, string envelopeJson) => new(HttpMethod.Post, route)
    {
        Content = new StringContent(envelopeJson, Encoding.UTF8, "application/cloudevents+json"),
        Headers = { { "traceparent", Traceparent } },
    };
}
