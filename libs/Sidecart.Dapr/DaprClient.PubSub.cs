using System.Net.Http.Headers;
using System.Text.Json.Serialization.Metadata;

namespace Sidecart.Dapr;

// Publish: POST /v1.0/publish/{pubsub}/{topic}[?metadata.k=v] (https://docs.dapr.io/reference/api/pubsub_api/).
public sealed partial class DaprClient
{
    /// <summary>
    /// Publishes <paramref name="data"/> as <c>application/json</c>, so the sidecar embeds it as JSON under the
    /// CloudEvent's <c>data</c>. Use <see cref="DaprMetadata"/> keys for e.g. <c>cloudevent.id</c> or <c>rawPayload</c>.
    /// </summary>
    public Task PublishEventAsync<T>(
        string pubsubName,
        string topic,
        T data,
        JsonTypeInfo<T> typeInfo,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default) =>
        PublishAsync(pubsubName, topic, JsonBody(data, typeInfo), metadata, cancellationToken);

    /// <summary>
    /// Publishes bytes with an explicit content type: <c>application/cloudevents+json</c> for a CloudEvent of your own,
    /// <c>application/octet-stream</c> for binary, <c>text/plain</c> for a string.
    /// </summary>
    public Task PublishBytesAsync(
        string pubsubName,
        string topic,
        ReadOnlyMemory<byte> payload,
        string contentType,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        var content = new ReadOnlyMemoryContent(payload);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return PublishAsync(pubsubName, topic, content, metadata, cancellationToken);
    }

    private Task PublishAsync(string pubsubName, string topic, HttpContent content, IReadOnlyDictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        var request = CreateRequest(HttpMethod.Post, $"v1.0/publish/{Escape(pubsubName)}/{Escape(topic)}", metadata, content: content);
        return SendAndForgetAsync(request, cancellationToken);
    }
}
