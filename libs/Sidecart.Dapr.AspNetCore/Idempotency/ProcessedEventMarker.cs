using System.Text.Json.Serialization;

namespace Sidecart.Dapr.AspNetCore.Idempotency;

/// <summary>What is stored for an event that was handled successfully.</summary>
internal sealed record ProcessedEventMarker(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("processedAt")] DateTimeOffset ProcessedAt);
