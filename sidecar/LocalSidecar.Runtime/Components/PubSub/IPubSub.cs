namespace LocalSidecar.Components.PubSub;

/// <summary>The pub/sub building block. Subscribers of one consumer group (the component's <c>consumerID</c>,
/// by default the app id) compete for messages; each distinct group receives every message published after it
/// first subscribed. A handler that throws asks the component to redeliver, by the component's own rules.</summary>
public interface IPubSub : IComponent
{
    Task PublishAsync(string topic, ReadOnlyMemory<byte> data, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken);

    /// <summary>Joins this component's consumer group for <paramref name="topic"/>. Disposing leaves the group:
    /// a delivery in flight either completes or goes back to the group for another member.</summary>
    IAsyncDisposable Subscribe(string topic, IReadOnlyDictionary<string, string> metadata, PubSubHandler handler);
}

/// <summary>Handles one message; throwing (or failing) hands it back to the component for redelivery.</summary>
public delegate Task PubSubHandler(PubSubMessage message, CancellationToken cancellationToken);

/// <summary>A message as the broker stores it: the published bytes (a CloudEvent, or raw) and their metadata.</summary>
public sealed record PubSubMessage(string Topic, ReadOnlyMemory<byte> Data, IReadOnlyDictionary<string, string> Metadata);
