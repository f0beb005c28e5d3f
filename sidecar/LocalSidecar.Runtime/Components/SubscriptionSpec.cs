namespace LocalSidecar.Components;

/// <summary>A subscription, declared in YAML (<c>Subscription</c>) or returned by the app's <c>GET /dapr/subscribe</c>.</summary>
public sealed record SubscriptionSpec(
    string PubsubName,
    string Topic,
    IReadOnlyList<RoutingRule> Rules,
    string? DeadLetterTopic,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<string> Scopes,
    SubscriptionKind Kind)
{
    public bool IsScopedTo(string appId) => Scopes.Count == 0 || Scopes.Contains(appId, StringComparer.Ordinal);
}

/// <summary>A routing rule; an empty <see cref="Match"/> matches every event (it is how a default route is kept).</summary>
public sealed record RoutingRule(string Match, string Path);

public enum SubscriptionKind
{
    Declarative,
    Programmatic,
}
