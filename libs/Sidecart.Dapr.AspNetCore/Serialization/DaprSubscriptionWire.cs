using System.Text.Json.Serialization;

namespace Sidecart.Dapr.AspNetCore.Serialization;

internal sealed record DaprSubscriptionWire(
    [property: JsonPropertyName("pubsubname")] string PubsubName,
    [property: JsonPropertyName("topic")] string Topic,
    [property: JsonPropertyName("route")] string? Route,
    [property: JsonPropertyName("routes")] DaprSubscriptionRoutesWire? Routes,
    [property: JsonPropertyName("deadLetterTopic")] string? DeadLetterTopic,
    [property: JsonPropertyName("metadata")] IReadOnlyDictionary<string, string>? Metadata);

internal sealed record DaprSubscriptionRoutesWire(
    [property: JsonPropertyName("rules")] IReadOnlyList<DaprSubscriptionRuleWire> Rules,
    [property: JsonPropertyName("default")] string? Default);

internal sealed record DaprSubscriptionRuleWire(
    [property: JsonPropertyName("match")] string Match,
    [property: JsonPropertyName("path")] string Path);
