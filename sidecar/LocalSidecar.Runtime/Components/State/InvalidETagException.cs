namespace LocalSidecar.Components.State;

/// <summary>An ETag the store cannot even interpret (for stores whose ETags have a format, such as a version number):
/// 400 on save and delete. Stores whose ETags are opaque strings report any unknown ETag as a mismatch instead.</summary>
public sealed class InvalidETagException(string etag) : Exception($"invalid etag value: {etag}")
{
    public string ETag { get; } = etag;
}
