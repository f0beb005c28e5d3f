using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using LocalSidecar.Components.Configuration;

namespace LocalSidecar.Diagnostics.Metrics;

public enum MetricType
{
    Counter,
    Gauge,
    Histogram,
}

/// <summary>One Prometheus family as daprd's OpenCensus exporter writes it: labels in name order, a label not recorded
/// written with an empty value, counters without an added <c>_total</c>, and histogram buckets that are
/// upper-exclusive (a value equal to a bound counts in the next bucket, as OpenCensus counts it).</summary>
public sealed class MetricFamily
{
    private readonly string[] _labelNames;
    private readonly int[] _order;
    private readonly IReadOnlyList<double> _buckets;
    private readonly IReadOnlyList<MetricLabelRule>?[] _rules;
    private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);

    public MetricFamily(string name, string help, MetricType type, string[] labelNames, IReadOnlyList<double>? buckets, IReadOnlyList<MetricRule> rules)
    {
        Name = name;
        Help = help;
        Type = type;
        _labelNames = labelNames;
        _order = Enumerable.Range(0, labelNames.Length).OrderBy(i => labelNames[i], StringComparer.Ordinal).ToArray();
        _buckets = buckets ?? [];
        // daprd keys a rule by the metric name without its dapr_ prefix.
        var rule = rules.FirstOrDefault(r => Strip(r.Name) == Strip(name));
        _rules = labelNames.Select(l => rule?.Labels.Where(x => x.Name == l).ToList() is { Count: > 0 } found ? (IReadOnlyList<MetricLabelRule>)found : null).ToArray();
    }

    public string Name { get; }

    public string Help { get; }

    public MetricType Type { get; }

    public void Add(double value, params string[] labels) => Get(labels).Add(value);

    public void Set(double value, params string[] labels) => Get(labels).Set(value);

    public void Observe(double value, params string[] labels) => Get(labels).Observe(value, _buckets);

    public void Write(StringBuilder text)
    {
        if (_series.IsEmpty)
        {
            return;
        }

        text.Append("# HELP ").Append(Name).Append(' ').Append(Help).Append('\n');
        text.Append("# TYPE ").Append(Name).Append(' ').Append(Type.ToString().ToLowerInvariant()).Append('\n');
        foreach (var (_, series) in _series.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            series.Write(text, Name, Type, _buckets);
        }
    }

    private Series Get(string[] labels)
    {
        if (labels.Length != _labelNames.Length)
        {
            throw new ArgumentException($"{Name} takes {_labelNames.Length} labels, got {labels.Length}");
        }

        for (var i = 0; i < labels.Length; i++)
        {
            labels[i] ??= "";
            foreach (var rule in _rules[i] ?? [])
            {
                foreach (var (replacement, regex) in rule.Regexes)
                {
                    labels[i] = regex.Replace(labels[i], replacement);
                }
            }
        }

        var key = string.Join('\u0001', labels);
        return _series.TryGetValue(key, out var found) ? found : _series.GetOrAdd(key, _ => new Series(Render(labels), _buckets.Count));
    }

    private string Render(string[] labels)
    {
        var text = new StringBuilder();
        foreach (var i in _order)
        {
            text.Append(text.Length == 0 ? "" : ",").Append(_labelNames[i]).Append("=\"").Append(Escape(labels[i])).Append('"');
        }

        return text.ToString();
    }

    private static string Strip(string name) => (name.StartsWith("dapr_", StringComparison.Ordinal) ? name[5..] : name).Replace('/', '_');

    private static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

    private sealed class Series(string labels, int bucketCount)
    {
        private readonly Lock _gate = new();
        private readonly long[] _counts = new long[bucketCount + 1];
        private double _value;
        private double _sum;
        private long _count;

        public void Add(double value)
        {
            lock (_gate)
            {
                _value += value;
            }
        }

        public void Set(double value)
        {
            lock (_gate)
            {
                _value = value;
            }
        }

        public void Observe(double value, IReadOnlyList<double> buckets)
        {
            var index = 0;
            while (index < buckets.Count && value >= buckets[index])
            {
                index++;
            }

            lock (_gate)
            {
                _counts[index]++;
                _sum += value;
                _count++;
            }
        }

        public void Write(StringBuilder text, string name, MetricType type, IReadOnlyList<double> buckets)
        {
            lock (_gate)
            {
                if (type != MetricType.Histogram)
                {
                    Line(text, name, labels, _value);
                    return;
                }

                long cumulative = 0;
                for (var i = 0; i < buckets.Count; i++)
                {
                    cumulative += _counts[i];
                    Line(text, name + "_bucket", $"{labels}{(labels.Length > 0 ? "," : "")}le=\"{Number(buckets[i])}\"", cumulative);
                }

                Line(text, name + "_bucket", $"{labels}{(labels.Length > 0 ? "," : "")}le=\"+Inf\"", _count);
                Line(text, name + "_sum", labels, _sum);
                Line(text, name + "_count", labels, _count);
            }
        }

        private static void Line(StringBuilder text, string name, string labels, double value) =>
            (labels.Length == 0 ? text.Append(name) : text.Append(name).Append('{').Append(labels).Append('}')).Append(' ').Append(Number(value)).Append('\n');
    }

    internal static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : value.ToString("R", CultureInfo.InvariantCulture);
}
