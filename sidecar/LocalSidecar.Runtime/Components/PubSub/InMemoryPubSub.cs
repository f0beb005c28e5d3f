using Microsoft.Extensions.Logging;

namespace LocalSidecar.Components.PubSub;

/// <summary><c>pubsub.in-memory</c>: a broker per component name shared by all sidecars of one
/// <see cref="Hosting.SidecarEnvironment"/> (so every sidecar of one runner process talks to the others), with
/// consumer groups by <c>consumerID</c> (default: the app id). See <see cref="InMemoryConsumerGroup"/> for
/// delivery and redelivery and <see cref="InMemoryBroker"/> for what is kept.</summary>
[ComponentType("pubsub.in-memory")]
public sealed class InMemoryPubSub : IPubSub
{
    private readonly Lock _gate = new();
    private readonly List<IAsyncDisposable> _members = [];
    private InMemoryBroker _broker = new();
    private string _consumerGroup = "";
    private ILogger _logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public Task InitAsync(ComponentContext context, CancellationToken cancellationToken)
    {
        _broker = context.Environment.Shared(context.Name, () => new InMemoryBroker());
        _consumerGroup = context.Optional("consumerID") ?? context.AppId;
        _logger = context.Logger;
        return Task.CompletedTask;
    }

    public Task PublishAsync(string topic, ReadOnlyMemory<byte> data, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        _broker.Publish(new PubSubMessage(topic, data.ToArray(), new Dictionary<string, string>(metadata, StringComparer.Ordinal)));
        return Task.CompletedTask;
    }

    public IAsyncDisposable Subscribe(string topic, IReadOnlyDictionary<string, string> metadata, PubSubHandler handler)
    {
        var member = _broker.Group(topic, _consumerGroup).Join(handler, _logger);
        lock (_gate)
        {
            _members.Add(member);
        }

        return member;
    }

    public async ValueTask DisposeAsync()
    {
        IAsyncDisposable[] members;
        lock (_gate)
        {
            members = [.. _members];
            _members.Clear();
        }

        foreach (var member in members)
        {
            await member.DisposeAsync();
        }
    }
}
