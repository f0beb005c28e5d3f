using System.Globalization;
using LocalSidecar.Components;

namespace LocalSidecar.Messaging;

/// <summary>The well-known pub/sub metadata keys (publish query <c>metadata.*</c> and subscription metadata).</summary>
public static class PubSubMetadata
{
    public const string RawPayload = "rawPayload";

    public const string TtlInSeconds = "ttlInSeconds";

    public const string Ttl = "ttl";

    /// <summary>Reads <c>rawPayload</c> with Go's <c>strconv.ParseBool</c> rules (1, t, T, TRUE, true, True and the
    /// false forms); false when absent or empty. Returns false from the method when the value is not a boolean.</summary>
    public static bool TryReadRawPayload(IReadOnlyDictionary<string, string> metadata, out bool rawPayload)
    {
        rawPayload = false;
        if (!metadata.TryGetValue(RawPayload, out var value) || value.Length == 0)
        {
            return true;
        }

        switch (value)
        {
            case "1" or "t" or "T" or "TRUE" or "true" or "True":
                rawPayload = true;
                return true;
            case "0" or "f" or "F" or "FALSE" or "false" or "False":
                return true;
            default:
                return false;
        }
    }

    /// <summary>The message TTL from <c>ttlInSeconds</c> (integer seconds) or <c>ttl</c> (a Go duration or seconds);
    /// null when neither is set. Throws <see cref="FormatException"/> for a value that is neither.</summary>
    public static TimeSpan? ReadTtl(IReadOnlyDictionary<string, string> metadata)
    {
        if (metadata.TryGetValue(TtlInSeconds, out var seconds) && seconds.Length > 0)
        {
            return long.TryParse(seconds, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)
                ? TimeSpan.FromSeconds(s)
                : throw new FormatException($"{TtlInSeconds} '{seconds}' is not an integer number of seconds");
        }

        if (metadata.TryGetValue(Ttl, out var ttl) && ttl.Length > 0)
        {
            if (long.TryParse(ttl, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s))
            {
                return TimeSpan.FromSeconds(s);
            }

            return GoDuration.TryParse(ttl, out var duration)
                ? duration
                : throw new FormatException($"{Ttl} '{ttl}' is not a duration such as 30s or a number of seconds");
        }

        return null;
    }
}
