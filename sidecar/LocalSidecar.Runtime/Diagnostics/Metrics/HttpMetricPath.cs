using LocalSidecar.Components.Configuration;

namespace LocalSidecar.Diagnostics.Metrics;

/// <summary>The <c>path</c> and <c>method</c> labels of daprd's HTTP metrics under <c>spec.metrics.http</c>:
/// <c>pathMatching</c> patterns (as Go's ServeMux matches them, each also under <c>/v1.0/invoke/{app_id}/method</c>)
/// replace a matching path by the pattern; otherwise <c>increasedCardinality</c> (the legacy default) keeps the path,
/// with store, actor id and workflow instance folded, and turning it off records an empty path.</summary>
public sealed class HttpMetricPath
{
    private static readonly HashSet<string> StaticPaths = ["/dapr/config", "/dapr/metrics", "/dapr/subscribe", "/healthz"];
    private static readonly HashSet<string> Verbs = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE"];

    private readonly List<string[]> _patterns = [];
    private readonly bool _excludeVerbs;

    public HttpMetricPath(MetricSpec spec)
    {
        Legacy = spec.HttpIncreasedCardinality;
        _excludeVerbs = spec.HttpExcludeVerbs;
        var patterns = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var raw in spec.HttpPathMatching)
        {
            var pattern = Normalize(raw);
            patterns.Add(pattern);
            if (!pattern.StartsWith("/v1.0/invoke/", StringComparison.Ordinal))
            {
                patterns.Add("/v1.0/invoke/{app_id}/method" + pattern);
            }
        }

        _patterns.AddRange(patterns.Select(p => p.Split('/')));
    }

    public bool Legacy { get; }

    public bool Matching => _patterns.Count > 0;

    public string Method(string method) => _excludeVerbs ? "" : Verbs.Contains(method) ? method : "UNKNOWN";

    public string Label(string path)
    {
        if (StaticPaths.Contains(path))
        {
            return path;
        }

        if (Match(path) is { } matched && (!Legacy || matched != path))
        {
            return matched;
        }

        if (Matching && Fold(path) is var folded && folded != path && Match(folded) is { } foldedMatch && foldedMatch != "/")
        {
            return foldedMatch;
        }

        return Legacy ? Fold(path) : "";
    }

    private string? Match(string path)
    {
        if (!Matching || path.Length == 0)
        {
            return null;
        }

        var segments = Normalize(path).Split('/');
        string[]? best = null;
        var bestScore = -1;
        foreach (var pattern in _patterns)
        {
            if (Score(pattern, segments) is var score && score > bestScore)
            {
                best = pattern;
                bestScore = score;
            }
        }

        // With the legacy default and no root pattern, daprd's mux answers an unmatched path with the path itself.
        return best is not null ? string.Join('/', best) : Legacy ? Normalize(path) : null;
    }

    /// <summary>How specifically <paramref name="pattern"/> matches (literal segments count most), or -1.</summary>
    private static int Score(string[] pattern, string[] segments)
    {
        var score = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            var p = pattern[i];
            if (p.StartsWith('{') && p.EndsWith("...}", StringComparison.Ordinal))
            {
                return score;
            }

            if (i == pattern.Length - 1 && p.Length == 0 && i > 0)
            {
                // A trailing slash matches the whole subtree.
                return segments.Length >= pattern.Length ? score : -1;
            }

            if (i >= segments.Length)
            {
                return -1;
            }

            if (p.StartsWith('{') && p.EndsWith('}'))
            {
                if (segments[i].Length == 0)
                {
                    return -1;
                }

                score += 1;
            }
            else if (p == segments[i])
            {
                score += 100;
            }
            else
            {
                return -1;
            }
        }

        return pattern.Length == segments.Length ? score : -1;
    }

    /// <summary>daprd's legacy label: the store of state and secrets paths, <c>{id}</c> for an actor id and
    /// <c>{instanceId}</c> for a workflow instance; other paths unchanged.</summary>
    private static string Fold(string path)
    {
        if (path.Length == 0)
        {
            return path;
        }

        path = Normalize(path);
        var parts = path[1..].Split('/', 6);
        if (parts.Length < 3)
        {
            return path;
        }

        if (parts[0] == "actors")
        {
            parts[2] = "{id}";
            return string.Join('/', parts);
        }

        switch (parts[1])
        {
            case "state" or "secrets":
                return "/" + string.Join('/', parts[..3]);
            case "actors":
                if (parts.Length < 5)
                {
                    return path;
                }

                parts[3] = "{id}";
                return "/" + string.Join('/', parts[..5]);
            case "workflows":
                if (parts.Length < 4)
                {
                    return path;
                }

                if (parts.Length == 4)
                {
                    parts[3] = "{instanceId}";
                    return "/" + string.Join('/', parts[..4]);
                }

                if (parts.Length == 5 && parts[4].StartsWith("start", StringComparison.Ordinal))
                {
                    return "/" + string.Join('/', parts[..4]) + "/start";
                }

                parts[3] = "{instanceId}";
                if (parts.Length == 6 && parts[4] == "raiseEvent" && parts[5].Length > 0)
                {
                    parts[5] = "{eventName}";
                    return "/" + string.Join('/', parts[..6]);
                }

                return "/" + string.Join('/', parts[..5]);
        }

        return path;
    }

    private static string Normalize(string path)
    {
        while (path.Contains("//", StringComparison.Ordinal))
        {
            path = path.Replace("//", "/", StringComparison.Ordinal);
        }

        return path.StartsWith('/') ? path : "/" + path;
    }
}
