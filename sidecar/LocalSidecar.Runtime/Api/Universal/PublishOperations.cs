using LocalSidecar.Diagnostics;
using LocalSidecar.Components.PubSub;
using LocalSidecar.Hosting;
using LocalSidecar.Messaging;

namespace LocalSidecar.Api.Universal;

/// <summary>What one publish carries, whichever transport it came by.</summary>
public sealed record PublishInput(string PubsubName, string Topic, byte[] Data, string? ContentType, IReadOnlyDictionary<string, string> Metadata, TraceContext Trace);

/// <summary>One event of a bulk publish; its metadata overrides the request's.</summary>
public sealed record BulkPublishEntry(string EntryId, byte[] Event, string? ContentType, IReadOnlyDictionary<string, string> Metadata);

public sealed record BulkPublishFailure(string EntryId, string Error);

/// <summary>The publish API's semantics for both front ends (https://docs.dapr.io/reference/api/pubsub_api/): the
/// checks in daprd's order (pubsub name, component, topic, <c>rawPayload</c>), the CloudEvent envelope unless the
/// payload is raw, then the component.</summary>
public sealed class PublishOperations(SidecarContext context)
{
    public async Task PublishAsync(PublishInput input, CancellationToken cancellationToken)
    {
        var (pubsub, rawPayload) = Validate(input.PubsubName, input.Topic, input.Metadata);
        var payload = rawPayload ? input.Data : Envelope(input);
        EnsureTopicAllowed(input.PubsubName, input.Topic);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var published = false;
        try
        {
            await pubsub.PublishAsync(input.Topic, payload, input.Metadata, cancellationToken);
            published = true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw DaprErrors.PubSubPublishMessage(input.PubsubName, input.Topic, e.Message).ToException();
        }
        finally
        {
            context.Telemetry.Metrics.PubSubEgress(input.PubsubName, input.Topic, published, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    /// <summary>Publishes every entry (nothing when an entry id is missing or repeated) and returns those that failed.</summary>
    public async Task<IReadOnlyList<BulkPublishFailure>> BulkPublishAsync(string pubsubName, string topic, IReadOnlyList<BulkPublishEntry> entries,
        IReadOnlyDictionary<string, string> metadata, TraceContext trace, CancellationToken cancellationToken)
    {
        var (pubsub, rawPayload) = Validate(pubsubName, topic, metadata);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (entries.Any(entry => entry.EntryId.Length == 0 || !ids.Add(entry.EntryId)))
        {
            throw DaprErrors.PubSubMarshalEvents(pubsubName, topic, context.AppId, "entryId is duplicated or not present for entry").ToException();
        }

        var payloads = entries.Select(entry =>
        {
            var merged = new Dictionary<string, string>(metadata, StringComparer.Ordinal);
            foreach (var (key, value) in entry.Metadata)
            {
                merged[key] = value;
            }

            var input = new PublishInput(pubsubName, topic, entry.Event, entry.ContentType, merged, trace);
            return (entry.EntryId, Payload: rawPayload ? entry.Event : Envelope(input), Metadata: merged);
        }).ToList();

        EnsureTopicAllowed(pubsubName, topic);
        var failures = new List<BulkPublishFailure>();
        foreach (var (entryId, payload, entryMetadata) in payloads)
        {
            try
            {
                await pubsub.PublishAsync(topic, payload, entryMetadata, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures.Add(new BulkPublishFailure(entryId, e.Message));
            }
        }

        return failures;
    }

    /// <summary>daprd's checks, in its order. With no pub/sub component at all daprd still has its publisher, so the
    /// name is "not found", never "not configured".</summary>
    private (IPubSub PubSub, bool RawPayload) Validate(string pubsubName, string topic, IReadOnlyDictionary<string, string> metadata)
    {
        if (pubsubName.Length == 0)
        {
            throw DaprErrors.PubSubNameEmpty(metadata).ToException();
        }

        if (!context.Components.TryGet<IPubSub>(pubsubName, out var pubsub))
        {
            throw DaprErrors.PubSubNotFound(pubsubName).ToException();
        }

        if (topic.Length == 0)
        {
            throw DaprErrors.PubSubTopicEmpty(pubsubName, metadata).ToException();
        }

        if (!PubSubMetadata.TryReadRawPayload(metadata, out var rawPayload))
        {
            var detail = $"rawPayload value must be a valid boolean: actual is '{metadata[PubSubMetadata.RawPayload]}'";
            throw DaprErrors.PubSubMetadataDeserialization(pubsubName, detail, metadata).ToException();
        }

        return (pubsub, rawPayload);
    }

    /// <summary>The component's topic scoping (publishingScopes, allowedTopics, protectedTopics), checked as daprd's
    /// publisher checks it: after the request has been read, before the broker.</summary>
    private void EnsureTopicAllowed(string pubsubName, string topic)
    {
        if (!context.Components.TopicScopesOf(pubsubName).AllowsPublish(topic))
        {
            throw DaprErrors.PubSubForbidden(pubsubName, topic, context.AppId).ToException();
        }
    }

    private byte[] Envelope(PublishInput input)
    {
        try
        {
            return CloudEventEnvelope.Build(new PublishRequest(input.PubsubName, input.Topic, input.Data, input.ContentType, input.Metadata,
                context.AppId, input.Trace, DateTimeOffset.UtcNow));
        }
        catch (CloudEventException e)
        {
            throw DaprErrors.PubSubCloudEventCreation(input.PubsubName, context.AppId, e.Message).ToException();
        }
    }
}
