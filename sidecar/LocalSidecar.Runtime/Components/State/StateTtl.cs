using System.Globalization;

namespace LocalSidecar.Components.State;

/// <summary>The <c>ttlInSeconds</c> request metadata: a whole number of seconds; zero or negative (<c>-1</c> by
/// convention) means the item never expires.</summary>
public static class StateTtl
{
    public const string Metadata = "ttlInSeconds";

    /// <summary>When an item written at <paramref name="now"/> expires, or null if it does not.
    /// Throws <see cref="FormatException"/> for a value that is not an integer.</summary>
    public static DateTimeOffset? ExpiresAt(IReadOnlyDictionary<string, string> metadata, DateTimeOffset now)
    {
        if (!metadata.TryGetValue(Metadata, out var text) || text.Length == 0)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
        {
            throw new FormatException($"incorrect value for metadata '{Metadata}': '{text}' is not an integer number of seconds");
        }

        return seconds > 0 ? now.AddSeconds(seconds) : null;
    }
}
