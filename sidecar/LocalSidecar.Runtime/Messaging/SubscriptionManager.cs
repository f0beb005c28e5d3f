using LocalSidecar.Components;
using LocalSidecar.Hosting;

namespace LocalSidecar.Messaging;

/// <summary>Owns this sidecar's subscriptions: declarative ones from YAML and programmatic ones from the app's
/// <c>GET /dapr/subscribe</c>, and their delivery to the app.</summary>
public sealed class SubscriptionManager(SidecarContext context) : IAsyncDisposable
{
    public IReadOnlyList<SubscriptionSpec> Subscriptions { get; private set; } = context.Resources.Subscriptions;

    /// <summary>Called once the app is reachable.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
