namespace Sidecart.Dapr;

/// <summary>One key of a bulk get; a missing key has a default <see cref="Value"/> and no ETag.</summary>
public sealed record BulkStateItem<T>(string Key, T? Value, string? ETag, IReadOnlyDictionary<string, string> Metadata, string? Error);
