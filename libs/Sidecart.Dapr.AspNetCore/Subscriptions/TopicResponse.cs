using System.Text.Json.Serialization;

namespace Sidecart.Dapr.AspNetCore;

/// <summary>The body a subscriber answers with: <c>{"status":"SUCCESS"|"RETRY"|"DROP"}</c>.</summary>
public sealed record TopicResponse([property: JsonPropertyName("status")] string Status)
{
    public static string StatusText(TopicStatus status) => status switch
    {
        TopicStatus.Success => "SUCCESS",
        TopicStatus.Retry => "RETRY",
        TopicStatus.Drop => "DROP",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
