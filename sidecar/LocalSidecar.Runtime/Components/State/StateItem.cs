using System.Globalization;

namespace LocalSidecar.Components.State;

/// <summary>A stored value as read back: its bytes, its ETag and response metadata (such as <c>ttlExpireTime</c>).</summary>
public sealed record StateItem(byte[] Value, string? ETag, IReadOnlyDictionary<string, string> Metadata)
{
    public const string TtlExpireTimeMetadata = "ttlExpireTime";

    /// <summary>An item whose metadata carries <c>ttlExpireTime</c> (RFC 3339, UTC, whole seconds) when it expires.</summary>
    public static StateItem Create(byte[] value, string etag, DateTimeOffset? expiresAt)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (expiresAt is { } expiry)
        {
            metadata[TtlExpireTimeMetadata] = expiry.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        }

        return new StateItem(value, etag, metadata);
    }
}
