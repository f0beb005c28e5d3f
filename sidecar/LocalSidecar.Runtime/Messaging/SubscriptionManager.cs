using LocalSidecar.Components;
using LocalSidecar.Components.PubSub;
using LocalSidecar.Hosting;
using LocalSidecar.Resiliency;
using LocalSidecar.Invocation;
using LocalSidecar.Messaging.Cel;
using Microsoft.Extensions.Logging;

namespace LocalSidecar.Messaging;

/// <summary>Owns this sidecar's subscriptions: declarative ones from YAML and programmatic ones from the app's
/// <c>GET /dapr/subscribe</c>, each joined to its pub/sub component with an <see cref="EventDelivery"/>.
/// Declarative subscriptions join as soon as the sidecar starts (when it has an app), so events published while
/// the app is still starting wait for it; programmatic ones join once the app has answered. A subscription whose
/// pub/sub is unknown, or whose rules do not compile, is logged and left out. For one pubsub and topic the
/// first subscription wins (declarative before programmatic).</summary>
public sealed class SubscriptionManager : IAsyncDisposable
{
    private readonly SidecarContext _context;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly List<IAsyncDisposable> _active = [];
    private IReadOnlyList<SubscriptionSpec> _subscriptions = [];
    private bool _disposed;

    public SubscriptionManager(SidecarContext context)
    {
        _context = context;
        _logger = context.LoggerFactory.CreateLogger("LocalSidecar.PubSub");
        Add(context.Resources.Subscriptions);
    }

    /// <summary>The subscriptions in effect, as <c>GET /v1.0/metadata</c> lists them.</summary>
    public IReadOnlyList<SubscriptionSpec> Subscriptions
    {
        get
        {
            lock (_gate)
            {
                return _subscriptions;
            }
        }
    }

    /// <summary>Called once the app is reachable: reads and joins the programmatic subscriptions.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_context.AppChannel is not { } channel)
        {
            return;
        }

        Add(await ProgrammaticSubscriptions.FetchAsync(channel, _context.AppId, _logger, cancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        IAsyncDisposable[] active;
        lock (_gate)
        {
            _disposed = true;
            active = [.. _active];
            _active.Clear();
        }

        foreach (var subscription in active)
        {
            await subscription.DisposeAsync();
        }
    }

    private void Add(IReadOnlyList<SubscriptionSpec> candidates)
    {
        foreach (var spec in candidates)
        {
            if (Subscriptions.Any(s => s.PubsubName == spec.PubsubName && s.Topic == spec.Topic))
            {
                _logger.LogWarning("Ignoring the {Kind} subscription to topic {Topic} on {Pubsub}: the topic is already subscribed",
                    spec.Kind, spec.Topic, spec.PubsubName);
                continue;
            }

            if (!_context.Components.TryGet<IPubSub>(spec.PubsubName, out var pubsub))
            {
                _logger.LogError("Subscription to topic {Topic}: pub/sub component {Pubsub} is not loaded", spec.Topic, spec.PubsubName);
                continue;
            }

            if (!_context.Components.TopicScopesOf(spec.PubsubName).AllowsSubscription(spec.Topic))
            {
                // daprd's line. daprd keeps retrying such a subscription; scopes cannot change while a sidecar runs,
                // so the local sidecar logs it once. daprd still lists it in the metadata API, as here.
                _logger.LogError("Failed to start subscription for pubsub {Pubsub}, topic {Topic}: {Error}",
                    spec.PubsubName, spec.Topic, $"subscription to topic '{spec.Topic}' on pubsub '{spec.PubsubName}' is not allowed");
                lock (_gate)
                {
                    _subscriptions = [.. _subscriptions, spec];
                }

                continue;
            }

            RouteTable routes;
            try
            {
                routes = RouteTable.Compile(spec.Rules);
            }
            catch (CelException e)
            {
                _logger.LogError("Subscription to topic {Topic} on {Pubsub} has an invalid routing rule: {Error}", spec.Topic, spec.PubsubName, e.Message);
                continue;
            }

            if (_context.AppChannel is { } channel && !Join(spec, routes, pubsub, channel))
            {
                return;
            }

            lock (_gate)
            {
                _subscriptions = [.. _subscriptions, spec];
            }

            _logger.LogInformation("Subscribed to topic {Topic} on {Pubsub} ({Kind})", spec.Topic, spec.PubsubName, spec.Kind);
        }
    }

    private bool Join(SubscriptionSpec spec, RouteTable routes, IPubSub pubsub, AppChannel channel)
    {
        var retry = _context.Resiliency.PubSubInboundRetry(spec.PubsubName);
        var delivery = new EventDelivery(spec, routes, pubsub, channel, retry, _logger, _context.Telemetry)
        {
            TopicScopes = _context.Components.TopicScopesOf(spec.PubsubName),
            AppId = _context.AppId,
            Policies = new AppliedPolicies(_context, $"Pubsub_{spec.PubsubName}", "inbound", timeout: false, retry: retry is not null),
        };
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }

            var handler = _context.Options.Faults.DuplicateDelivery ? DuplicateDelivery.Wrap(delivery.HandleAsync, spec.Topic, _logger) : delivery.HandleAsync;
            _active.Add(pubsub.Subscribe(spec.Topic, spec.Metadata, handler));
            return true;
        }
    }
}
