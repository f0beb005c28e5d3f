using System.Globalization;
using System.Text.RegularExpressions;

namespace LocalSidecar.Components.Configuration;

/// <summary>The Configuration's <c>spec.tracing</c>, <c>spec.metrics</c> (or <c>spec.metric</c>) and <c>spec.logging</c>,
/// with daprd's defaults.</summary>
public sealed record ObservabilitySpec(TracingSpec? Tracing, MetricSpec Metrics, ApiLoggingSpec ApiLogging)
{
    public static ObservabilitySpec Default { get; } = new(null, MetricSpec.Default, ApiLoggingSpec.Default);

    internal static ObservabilitySpec Parse(YamlNodes? spec)
    {
        if (spec is null)
        {
            return Default;
        }

        var metrics = spec.Mapping("metrics") ?? spec.Mapping("metric");
        var apiLogging = spec.Mapping("logging")?.Mapping("apiLogging");
        return new ObservabilitySpec(
            ParseTracing(spec.Mapping("tracing")),
            metrics is null ? MetricSpec.Default : ParseMetrics(metrics),
            apiLogging is null ? ApiLoggingSpec.Default : new ApiLoggingSpec(
                apiLogging.Bool("enabled", false), apiLogging.Bool("obfuscateURLs", false), apiLogging.Bool("omitHealthChecks", false)));
    }

    private static TracingSpec? ParseTracing(YamlNodes? tracing)
    {
        if (tracing is null)
        {
            return null;
        }

        OtelSpec? otel = null;
        if (tracing.Mapping("otel") is { } o)
        {
            var protocol = o.String("protocol");
            if (protocol is { Length: > 0 } && protocol is not ("grpc" or "http"))
            {
                throw o.Error("protocol", $"'{protocol}' is not grpc or http");
            }

            var timeout = o.String("timeout") is { Length: > 0 } t
                ? GoDuration.TryParse(t, out var d) ? d : throw o.Error("timeout", $"'{t}' is not a duration such as 10s")
                : (TimeSpan?)null;
            otel = new OtelSpec(o.String("endpointAddress") ?? "", protocol ?? "", o.Bool("isSecure", true), ParseHeaders(o), timeout);
        }

        return new TracingSpec(tracing.String("samplingRate") ?? "", tracing.Bool("stdout", false),
            tracing.Mapping("zipkin")?.String("endpointAddress") ?? "", otel);
    }

    /// <summary>Standalone YAML lists <c>"key=value"</c> strings; the Kubernetes CRD lists <c>{name, value}</c>.</summary>
    private static List<KeyValuePair<string, string>> ParseHeaders(YamlNodes otel)
    {
        var headers = new List<KeyValuePair<string, string>>();
        var items = otel.Sequence("headers");
        for (var i = 0; i < items.Count; i++)
        {
            switch (items[i])
            {
                case YamlDotNet.RepresentationModel.YamlScalarNode { Value: { } text } when text.IndexOf('=') > 0:
                    headers.Add(new(text[..text.IndexOf('=')].Trim(), text[(text.IndexOf('=') + 1)..].Trim()));
                    break;
                case YamlDotNet.RepresentationModel.YamlMappingNode map:
                    var entry = new YamlNodes(otel.File, map, $"headers[{i}]");
                    headers.Add(new(entry.RequiredString("name"), entry.String("value") ?? ""));
                    break;
                default:
                    throw otel.Error($"headers[{i}]", "expected \"key=value\" or {name, value}");
            }
        }

        return headers;
    }

    private static MetricSpec ParseMetrics(YamlNodes metrics)
    {
        var http = metrics.Mapping("http");
        var buckets = metrics.StringSequence("latencyDistributionBuckets").Select((b, i) =>
            int.TryParse(b, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
                ? (double)n
                : throw metrics.Error($"latencyDistributionBuckets[{i}]", $"'{b}' is not a positive whole number of milliseconds")).ToList();
        var rules = new List<MetricRule>();
        foreach (var rule in metrics.MappingSequence("rules"))
        {
            var labels = new List<MetricLabelRule>();
            foreach (var label in rule.MappingSequence("labels"))
            {
                var regexes = label.StringMap("regex").Select(r =>
                {
                    try
                    {
                        return new KeyValuePair<string, Regex>(r.Key, new Regex(r.Value, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
                    }
                    catch (ArgumentException e)
                    {
                        throw label.Error("regex", $"'{r.Value}' is not a regular expression: {e.Message}");
                    }
                }).ToList();
                labels.Add(new MetricLabelRule(label.RequiredString("name"), regexes));
            }

            rules.Add(new MetricRule(rule.RequiredString("name"), labels));
        }

        return new MetricSpec(
            metrics.Bool("enabled", true),
            metrics.Bool("recordErrorCodes", false),
            http?.Bool("increasedCardinality", true) ?? true,
            http?.StringSequence("pathMatching") ?? [],
            http?.Bool("excludeVerbs", false) ?? false,
            buckets.Count > 0 ? buckets : MetricSpec.DefaultLatencyBuckets,
            rules);
    }
}

/// <summary><c>spec.tracing</c>. <see cref="SamplingRate"/> is kept as written; daprd parses it as a float.</summary>
public sealed record TracingSpec(string SamplingRate, bool Stdout, string ZipkinEndpoint, OtelSpec? Otel);

/// <summary><c>spec.tracing.otel</c>: <see cref="EndpointAddress"/> is host:port without a scheme.</summary>
public sealed record OtelSpec(string EndpointAddress, string Protocol, bool IsSecure, IReadOnlyList<KeyValuePair<string, string>> Headers, TimeSpan? Timeout);

public sealed record MetricSpec(
    bool Enabled,
    bool RecordErrorCodes,
    bool HttpIncreasedCardinality,
    IReadOnlyList<string> HttpPathMatching,
    bool HttpExcludeVerbs,
    IReadOnlyList<double> LatencyBuckets,
    IReadOnlyList<MetricRule> Rules)
{
    /// <summary>daprd's default latency buckets, in milliseconds.</summary>
    public static readonly IReadOnlyList<double> DefaultLatencyBuckets =
        [1, 2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 30, 40, 50, 65, 80, 100, 130, 160, 200, 250, 300, 400, 500, 650, 800, 1000, 2000, 5000, 10000, 20000, 50000, 100000];

    public static MetricSpec Default { get; } = new(true, false, true, [], false, DefaultLatencyBuckets, []);
}

/// <summary>One <c>spec.metrics.rules</c> entry: for metric <see cref="Name"/> (daprd's view name, such as
/// <c>dapr_http_server_request_count</c>), each label's value is rewritten by its regexes (replacement → pattern).</summary>
public sealed record MetricRule(string Name, IReadOnlyList<MetricLabelRule> Labels);

public sealed record MetricLabelRule(string Name, IReadOnlyList<KeyValuePair<string, Regex>> Regexes);

/// <summary><c>spec.logging.apiLogging</c>; <c>--enable-api-logging</c> overrides <see cref="Enabled"/>.</summary>
public sealed record ApiLoggingSpec(bool Enabled, bool ObfuscateUrls, bool OmitHealthChecks)
{
    public static ApiLoggingSpec Default { get; } = new(false, false, false);
}
