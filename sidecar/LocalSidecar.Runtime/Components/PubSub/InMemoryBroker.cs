namespace LocalSidecar.Components.PubSub;

/// <summary>The topics of one <c>pubsub.in-memory</c> component name, shared by every sidecar of a
/// <see cref="Hosting.SidecarEnvironment"/>. A topic fans out to its consumer groups; a message published to a
/// topic that has no group yet is not kept, as in Dapr's in-memory broker.</summary>
internal sealed class InMemoryBroker
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, InMemoryConsumerGroup>> _topics = new(StringComparer.Ordinal);

    public void Publish(PubSubMessage message)
    {
        InMemoryConsumerGroup[] groups;
        lock (_gate)
        {
            groups = _topics.TryGetValue(message.Topic, out var byName) ? [.. byName.Values] : [];
        }

        foreach (var group in groups)
        {
            group.Enqueue(message);
        }
    }

    /// <summary>The group, created on first use. Groups are never removed: a group whose members all left keeps
    /// its queue until one comes back (a restarting replica), which is stronger than daprd's in-memory broker.</summary>
    public InMemoryConsumerGroup Group(string topic, string consumerGroup)
    {
        lock (_gate)
        {
            if (!_topics.TryGetValue(topic, out var byName))
            {
                _topics[topic] = byName = new Dictionary<string, InMemoryConsumerGroup>(StringComparer.Ordinal);
            }

            if (!byName.TryGetValue(consumerGroup, out var group))
            {
                byName[consumerGroup] = group = new InMemoryConsumerGroup(topic, consumerGroup);
            }

            return group;
        }
    }
}
