namespace LocalSidecar.Components;

/// <summary>Everything read from the resources paths: components, subscriptions and resiliency policies.</summary>
public sealed record ResourceSet(
    IReadOnlyList<ComponentSpec> Components,
    IReadOnlyList<SubscriptionSpec> Subscriptions,
    IReadOnlyList<Resiliency.ResiliencySpec> Resiliencies)
{
    public static ResourceSet Empty { get; } = new([], [], []);

    /// <summary>Only what the given app may load, honouring top-level <c>scopes</c>.</summary>
    public ResourceSet ScopedTo(string appId) => new(
        Components.Where(c => c.IsScopedTo(appId)).ToList(),
        Subscriptions.Where(s => s.IsScopedTo(appId)).ToList(),
        Resiliencies.Where(r => r.IsScopedTo(appId)).ToList());
}
