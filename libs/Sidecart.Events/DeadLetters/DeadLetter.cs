using System.Text.Json;

namespace Sidecart.Events;

/// <summary>An event that could not be applied, kept for an operator: its CloudEvent id, the topic it came from, when it
/// was recorded, why it was refused, and the event as it arrived (the whole CloudEvent).</summary>
public sealed record DeadLetter(string Id, string Topic, DateTimeOffset ReceivedAt, string Reason, JsonElement Event)
{
    /// <summary>The reason recorded for what the sidecar forwarded to <c>&lt;topic&gt;-dlq</c> after failed deliveries.</summary>
    public const string SidecarDeadLettered = "dead-lettered by the sidecar after failed deliveries";

    public static string TopicFor(string topic) => $"{topic}-dlq";
}
