using LocalSidecar.Components.Configuration;

namespace LocalSidecar.Api;

/// <summary>The Configuration's <c>spec.api</c> rules for the HTTP API, as daprd applies them when it builds its router
/// (dapr/dapr pkg/api/http/endpoints): a route is served unless a deny rule matches it, and, when there is an allow
/// list, only if an allow rule matches it. A rule matches a route by its group (<c>v1/state</c>: version and name as
/// daprd groups its endpoints) or, the older form, as a prefix of the route's path (<c>v1.0/state</c>). The health
/// routes are always served.</summary>
public sealed class HttpApiAccess
{
    private readonly HashSet<string> _allowed;
    private readonly HashSet<string> _denied;

    public HttpApiAccess(ApiAccessSpec spec)
    {
        _allowed = Keys(spec.Allowed);
        _denied = Keys(spec.Denied);
    }

    public bool IsOpen => _allowed.Count == 0 && _denied.Count == 0;

    /// <summary>Whether the route of this pattern (<c>/v1.0/state/{storeName}/{key}</c>) is served.</summary>
    public bool Allows(string routePattern, string method)
    {
        var route = routePattern.TrimStart('/');
        if (IsAlwaysAllowed(route, method))
        {
            return true;
        }

        if (_denied.Count > 0 && Matches(route, _denied))
        {
            return false;
        }

        return _allowed.Count == 0 || Matches(route, _allowed);
    }

    /// <summary>The invocation routes: the fallback (<c>dapr-app-id</c>) is served only when they are.</summary>
    public bool AllowsInvoke => Allows("v1.0/invoke/*", "GET");

    private static bool IsAlwaysAllowed(string route, string method) =>
        method == "GET" && route is "v1.0/healthz" or "v1.0/healthz/outbound";

    private static bool Matches(string route, HashSet<string> rules)
    {
        var segments = route.Split('/', 3);
        if (segments.Length >= 2 && GroupVersion(segments[0]) is { } version && rules.Contains($"{version}/{segments[1]}"))
        {
            return true;
        }

        return rules.Any(rule => route.StartsWith(rule, StringComparison.Ordinal));
    }

    /// <summary>daprd's endpoint-group version of a URL version: <c>v1.0</c> is <c>v1</c>, <c>v1.0-alpha1</c> is <c>v1alpha1</c>.</summary>
    private static string? GroupVersion(string urlVersion) => urlVersion switch
    {
        "v1.0" => "v1",
        _ when urlVersion.StartsWith("v1.0-", StringComparison.Ordinal) => "v1" + urlVersion["v1.0-".Length..],
        _ => null,
    };

    /// <summary>Rules for HTTP (the protocol compared without regard to case, as daprd does), as <c>version/name</c>.</summary>
    private static HashSet<string> Keys(IReadOnlyList<ApiAccessRule> rules) =>
        rules.Where(r => r.Protocol.Equals("http", StringComparison.OrdinalIgnoreCase)).Select(r => $"{r.Version}/{r.Name}").ToHashSet(StringComparer.Ordinal);
}
