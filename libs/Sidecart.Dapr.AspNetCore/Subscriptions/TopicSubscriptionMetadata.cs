namespace Sidecart.Dapr.AspNetCore;

/// <summary>
/// Endpoint metadata declaring that the endpoint receives <paramref name="Topic"/> of <paramref name="PubsubName"/>.
/// With a <paramref name="Match"/> (a CEL expression over <c>event</c>) it becomes a routing rule; rules of one
/// topic are listed by ascending <paramref name="Priority"/>, and the endpoint without a match is the default route.
/// </summary>
public sealed record TopicSubscriptionMetadata(
    string PubsubName,
    string Topic,
    string? DeadLetterTopic = null,
    IReadOnlyDictionary<string, string>? Metadata = null,
    string? Match = null,
    int Priority = 0);
