using System.Text.Json.Nodes;
using LocalSidecar.Components;
using LocalSidecar.Messaging.Cel;

namespace LocalSidecar.Messaging;

/// <summary>A subscription's routing rules, compiled: the first rule whose <c>match</c> is true (an empty match is
/// always true, which is how the default route is kept) names the app path.</summary>
public sealed class RouteTable
{
    private readonly IReadOnlyList<(CelExpression? Match, string Path)> _rules;

    private RouteTable(IReadOnlyList<(CelExpression? Match, string Path)> rules) => _rules = rules;

    /// <exception cref="CelException">A rule's match expression is outside the supported CEL subset.</exception>
    public static RouteTable Compile(IEnumerable<RoutingRule> rules) =>
        new(rules.Select(r => (string.IsNullOrWhiteSpace(r.Match) ? null : CelExpression.Compile(r.Match), r.Path)).ToList());

    /// <summary>The path for the event, or null when no rule matches and there is no default.</summary>
    /// <exception cref="CelException">A match expression failed to evaluate.</exception>
    public string? Select(JsonObject cloudEvent)
    {
        foreach (var (match, path) in _rules)
        {
            if (match is null || match.Matches(cloudEvent))
            {
                return path.StartsWith('/') ? path : "/" + path;
            }
        }

        return null;
    }
}
