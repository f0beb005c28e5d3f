namespace LocalSidecar.Components.State;

/// <summary>The metadata every state store understands, whatever its type: <c>keyPrefix</c> and <c>actorStateStore</c>.</summary>
public sealed record StateStoreSettings(StateKeys Keys, bool IsActorStateStore)
{
    public static StateStoreSettings Default { get; } = new(StateKeys.None, false);

    public static StateStoreSettings Read(ComponentContext context) => new(
        StateKeys.For(context.Optional("keyPrefix"), context.Name, context.AppId, System.Environment.GetEnvironmentVariable("NAMESPACE")),
        context.Bool("actorStateStore", false));

    /// <summary>The store's features as <c>/v1.0/metadata</c> lists them, plus <c>ACTOR</c> when it is the actor state store.</summary>
    public IReadOnlyList<string> Capabilities(params string[] features) =>
        IsActorStateStore ? [.. features, "ACTOR"] : features;
}
