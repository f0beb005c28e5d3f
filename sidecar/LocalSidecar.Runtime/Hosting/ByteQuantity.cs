using System.Globalization;

namespace LocalSidecar.Hosting;

/// <summary>A size as daprd's <c>--max-body-size</c> takes it: a Kubernetes resource quantity such as <c>4Mi</c>,
/// <c>512Ki</c>, <c>10M</c> or a plain number of bytes.</summary>
public static class ByteQuantity
{
    private static readonly (string Suffix, long Factor)[] Suffixes =
    [
        ("Ki", 1L << 10), ("Mi", 1L << 20), ("Gi", 1L << 30), ("Ti", 1L << 40),
        ("k", 1_000L), ("M", 1_000_000L), ("G", 1_000_000_000L), ("T", 1_000_000_000_000L),
    ];

    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        var (number, factor) = Suffixes.FirstOrDefault(s => text.EndsWith(s.Suffix, StringComparison.Ordinal)) is { Suffix: not null } match
            ? (text[..^match.Suffix.Length], match.Factor)
            : (text, 1L);
        if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value < 0)
        {
            return false;
        }

        var total = value * factor;
        if (total > int.MaxValue)
        {
            return false;
        }

        bytes = (long)Math.Ceiling(total);
        return true;
    }
}
