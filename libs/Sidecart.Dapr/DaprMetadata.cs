namespace Sidecart.Dapr;

/// <summary>Well-known request metadata keys; they travel as <c>metadata.&lt;key&gt;</c> query parameters.</summary>
public static class DaprMetadata
{
    public const string TtlInSeconds = "ttlInSeconds";
    public const string ContentType = "contentType";
    public const string PartitionKey = "partitionKey";
    public const string RawPayload = "rawPayload";
    public const string CloudEventId = "cloudevent.id";
    public const string CloudEventSource = "cloudevent.source";
    public const string CloudEventType = "cloudevent.type";

    public static IReadOnlyDictionary<string, string> TimeToLive(TimeSpan ttl) =>
        new Dictionary<string, string> { [TtlInSeconds] = ((long)ttl.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture) };
}
