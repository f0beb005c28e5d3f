namespace Sidecart.Events;

/// <summary>What is stored for an event that was handled successfully: <c>{"id","processedAt"}</c>.</summary>
internal sealed record ProcessedEventMarker(string Id, DateTimeOffset ProcessedAt);
