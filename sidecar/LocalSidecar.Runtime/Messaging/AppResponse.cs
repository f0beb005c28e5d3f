using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LocalSidecar.Messaging;

/// <summary>What the app's answer to a delivery means (https://docs.dapr.io/reference/api/pubsub_api/).</summary>
public enum DeliveryOutcome
{
    Success,

    /// <summary>Retry per the inbound resiliency policy, then dead-letter or hand back to the component.</summary>
    Retry,

    /// <summary><c>{"status":"DROP"}</c>: acknowledged, and dead-lettered when the subscription has a DLQ.</summary>
    Drop,

    /// <summary>404: acknowledged and dropped; neither retried nor dead-lettered.</summary>
    NotFound,
}

public static class AppResponse
{
    /// <summary>2xx with an empty, non-JSON or status-less body, or status SUCCESS, succeeds; RETRY and unknown
    /// statuses retry; DROP drops; 404 is not found; any other status retries.</summary>
    public static DeliveryOutcome Interpret(HttpStatusCode status, string body)
    {
        if (status == HttpStatusCode.NotFound)
        {
            return DeliveryOutcome.NotFound;
        }

        if ((int)status is < 200 or > 299)
        {
            return DeliveryOutcome.Retry;
        }

        string? answer;
        try
        {
            answer = JsonNode.Parse(body) is JsonObject json && json["status"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
        }
        catch (JsonException)
        {
            return DeliveryOutcome.Success;
        }

        return answer?.ToUpperInvariant() switch
        {
            null or "" or "SUCCESS" => DeliveryOutcome.Success,
            "DROP" => DeliveryOutcome.Drop,
            _ => DeliveryOutcome.Retry,
        };
    }
}
