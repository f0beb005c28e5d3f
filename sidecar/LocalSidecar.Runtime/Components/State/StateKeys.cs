namespace LocalSidecar.Components.State;

/// <summary>How a store's keys are prefixed (component metadata <c>keyPrefix</c>), so that apps sharing one store do
/// not see each other's keys: <c>appid</c> (default) → <c>&lt;appId&gt;||key</c>, <c>name</c> →
/// <c>&lt;storeName&gt;||key</c>, <c>namespace</c> → <c>&lt;NAMESPACE&gt;.&lt;appId&gt;||key</c>, <c>none</c> → the key
/// as is, anything else → <c>&lt;that text&gt;||key</c>.</summary>
public sealed class StateKeys
{
    public const string Separator = "||";

    private readonly string _prefix;

    private StateKeys(string prefix) => _prefix = prefix;

    public static StateKeys None { get; } = new("");

    /// <param name="keyPrefix">The <c>keyPrefix</c> metadata value; null or empty means <c>appid</c>.</param>
    /// <param name="daprNamespace">The <c>NAMESPACE</c> environment variable, if set.</param>
    public static StateKeys For(string? keyPrefix, string storeName, string appId, string? daprNamespace) =>
        (keyPrefix ?? "").ToLowerInvariant() switch
        {
            "" or "appid" => new(appId),
            "name" => new(storeName),
            "namespace" => new(string.IsNullOrEmpty(daprNamespace) ? appId : $"{daprNamespace}.{appId}"),
            "none" => None,
            _ => new(keyPrefix!),
        };

    /// <summary>The key as stored. Throws <see cref="IllegalStateKeyException"/> when the key, or a custom prefix,
    /// contains <see cref="Separator"/>, which would make prefixes ambiguous.</summary>
    public string ToStoreKey(string key)
    {
        if (key.Contains(Separator, StringComparison.Ordinal))
        {
            throw new IllegalStateKeyException(key);
        }

        if (_prefix.Contains(Separator, StringComparison.Ordinal))
        {
            throw new IllegalStateKeyException(_prefix);
        }

        return _prefix.Length == 0 ? key : _prefix + Separator + key;
    }

    /// <summary>The key an app sees for a stored key: the text after the prefix, up to any further separator
    /// (as daprd does for bulk get and query results); a key without a separator is returned as is.</summary>
    public static string ToAppKey(string storeKey)
    {
        var parts = storeKey.Split(Separator);
        return parts.Length == 1 ? storeKey : parts[1];
    }
}
