using LocalSidecar.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalSidecar.Components;
using LocalSidecar.Components.PubSub;
using LocalSidecar.Invocation;
using LocalSidecar.Messaging.Cel;
using LocalSidecar.Resiliency;
using Microsoft.Extensions.Logging;

namespace LocalSidecar.Messaging;

/// <summary>Delivers one subscription's messages to the app (https://docs.dapr.io/reference/api/pubsub_api/): drops expired events,
/// routes by the rules, POSTs the CloudEvent, interprets the answer, retries per the component's inbound
/// resiliency policy, then dead-letters the original message or hands the failure back to the component.
/// Nothing is sent while the app is not healthy: the message waits.</summary>
public sealed class EventDelivery(
    SubscriptionSpec subscription,
    RouteTable routes,
    IPubSub pubsub,
    AppChannel channel,
    RetryPolicy? retry,
    ILogger logger,
    SidecarTelemetry? telemetry = null)
{
    private readonly bool _rawPayload = ReadRawPayload(subscription, logger);

    /// <summary>The component's topic scoping: daprd publishes dead letters through its publisher, so the
    /// dead-letter topic must be one this app may publish to.</summary>
    public TopicScopes TopicScopes { get; init; } = TopicScopes.None;

    public string AppId { get; init; } = "";

    /// <summary>Counts the inbound retry policy's retries in daprd's resiliency metrics.</summary>
    public AppliedPolicies? Policies { get; init; }

    public async Task HandleAsync(PubSubMessage message, CancellationToken cancellationToken)
    {
        // Waiting first means expiry is judged when delivery becomes possible, not when the message was taken.
        await channel.WaitHealthyAsync(cancellationToken);
        JsonObject cloudEvent;
        ReadOnlyMemory<byte> body;
        if (_rawPayload)
        {
            cloudEvent = CloudEventEnvelope.ForRawPayload(message.Data, subscription.Topic, subscription.PubsubName);
            body = JsonSerializer.SerializeToUtf8Bytes(cloudEvent, SidecarJsonContext.Default.JsonObject);
        }
        else if (CloudEventEnvelope.TryParse(message.Data) is { } parsed)
        {
            cloudEvent = parsed;
            body = message.Data;
        }
        else
        {
            await FailAsync(message, "the message is not a CloudEvent (publish with rawPayload needs a rawPayload subscription)", cancellationToken);
            return;
        }

        if (CloudEventEnvelope.IsExpired(cloudEvent, DateTimeOffset.UtcNow))
        {
            logger.LogWarning("Dropping expired event {Id} of topic {Topic}", Id(cloudEvent), subscription.Topic);
            await DeadLetterAsync(message, cancellationToken);
            return;
        }

        string? path;
        try
        {
            path = routes.Select(cloudEvent);
        }
        catch (CelException e)
        {
            await FailAsync(message, $"evaluating the routing rules failed: {e.Message}", cancellationToken);
            return;
        }

        if (path is null)
        {
            logger.LogDebug("No route matches event {Id} of topic {Topic}: skipped", Id(cloudEvent), subscription.Topic);
            await DeadLetterAsync(message, cancellationToken);
            return;
        }

        await DeliverWithRetriesAsync(message, cloudEvent, body, path, cancellationToken);
    }

    private async Task DeliverWithRetriesAsync(PubSubMessage message, JsonObject cloudEvent, ReadOnlyMemory<byte> body, string path, CancellationToken cancellationToken)
    {
        var retries = 0;
        var delay = TimeSpan.Zero;
        while (true)
        {
            await channel.WaitHealthyAsync(cancellationToken);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var (outcome, detail) = await SendAsync(cloudEvent, body, path, cancellationToken);
            telemetry?.Metrics.PubSubIngress(subscription.PubsubName, subscription.Topic,
                outcome switch { DeliveryOutcome.Success => "success", DeliveryOutcome.Drop or DeliveryOutcome.NotFound => "drop", _ => "retry" },
                outcome == DeliveryOutcome.Drop, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            switch (outcome)
            {
                case DeliveryOutcome.Success:
                    return;
                case DeliveryOutcome.NotFound:
                    logger.LogError("The app answered 404 for event {Id} of topic {Topic} on {Path}: dropped", Id(cloudEvent), subscription.Topic, path);
                    return;
                case DeliveryOutcome.Drop:
                    logger.LogWarning("The app asked to DROP event {Id} of topic {Topic}", Id(cloudEvent), subscription.Topic);
                    await DeadLetterAsync(message, cancellationToken);
                    return;
            }

            if (retry is null || !retry.AllowsAnotherAttempt(retries))
            {
                await FailAsync(message, detail, cancellationToken);
                return;
            }

            retries++;
            Policies?.Retrying();
            delay = retry.DelayBefore(retries, delay);
            logger.LogDebug("Delivering event {Id} of topic {Topic} failed ({Detail}); retry {Retry} in {Delay}", Id(cloudEvent), subscription.Topic, detail, retries, delay);
            await Task.Delay(delay, cancellationToken);
        }
    }

    private async Task<(DeliveryOutcome Outcome, string Detail)> SendAsync(JsonObject cloudEvent, ReadOnlyMemory<byte> body, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ReadOnlyMemoryContent(body) { Headers = { ContentType = new MediaTypeHeaderValue(CloudEventEnvelope.ContentType) } },
        };
        request.Headers.TryAddWithoutValidation("pubsubname", subscription.PubsubName);
        var parent = Text(cloudEvent, "traceparent") ?? Text(cloudEvent, "traceid");
        // daprd starts the delivery span only for an event that carries trace fields; the app's span is its child.
        using var span = parent is null ? null : telemetry?.Tracing.StartSpan($"pubsub/{subscription.Topic}", System.Diagnostics.ActivityKind.Client, parent, Text(cloudEvent, "tracestate"));
        if (span is not null)
        {
            if (span.IsAllDataRequested)
            {
                span.SetTag("messaging.system", "pubsub");
                span.SetTag("messaging.destination.name", subscription.Topic);
            }

            request.Headers.TryAddWithoutValidation("traceparent", SidecarTracing.Traceparent(span));
            if (span.TraceStateString is { Length: > 0 } spanState)
            {
                request.Headers.TryAddWithoutValidation("tracestate", spanState);
            }
        }
        else if (telemetry?.Tracing.Mode != TracingMode.On && TraceContext.ChildSpan(Text(cloudEvent, "traceparent") ?? Text(cloudEvent, "traceid")) is { } traceparent)
        {
            request.Headers.TryAddWithoutValidation("traceparent", traceparent);
            // The event's tracestate is the publisher's text: a control character (a CR/LF header injection) drops it.
            if (Text(cloudEvent, "tracestate") is { Length: > 0 } tracestate && !tracestate.Any(char.IsControl))
            {
                request.Headers.TryAddWithoutValidation("tracestate", tracestate);
            }
        }

        try
        {
            using var response = await channel.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var answer = await response.Content.ReadAsStringAsync(cancellationToken);
            return (AppResponse.Interpret(response.StatusCode, answer), $"the app answered {(int)response.StatusCode} {Shorten(answer)}");
        }
        catch (HttpRequestException e)
        {
            return (DeliveryOutcome.Retry, $"the app could not be reached: {e.Message}");
        }
    }

    /// <summary>After a failure that is not the app's choice: dead-letter the original message when the
    /// subscription has a DLQ, else hand the failure back to the component (which redelivers by its own rules).</summary>
    private async Task FailAsync(PubSubMessage message, string reason, CancellationToken cancellationToken)
    {
        if (subscription.DeadLetterTopic is null)
        {
            logger.LogWarning("Delivering a message of topic {Topic} failed: {Reason}", subscription.Topic, reason);
            throw new EventDeliveryException($"delivery to the app failed: {reason}");
        }

        logger.LogWarning("Delivering a message of topic {Topic} failed: {Reason}; sending it to dead-letter topic {DeadLetterTopic}",
            subscription.Topic, reason, subscription.DeadLetterTopic);
        await DeadLetterAsync(message, cancellationToken);
    }

    /// <summary>Publishes the original broker message (same bytes, same metadata) to the dead-letter topic, if any.</summary>
    private async Task DeadLetterAsync(PubSubMessage message, CancellationToken cancellationToken)
    {
        if (subscription.DeadLetterTopic is { } deadLetterTopic)
        {
            if (!TopicScopes.AllowsPublish(deadLetterTopic))
            {
                logger.LogError("Failed to send a message of topic {Topic} to dead-letter topic {DeadLetterTopic}: {Error}",
                    subscription.Topic, deadLetterTopic, $"topic {deadLetterTopic} is not allowed for app id {AppId}");
                throw new EventDeliveryException($"topic {deadLetterTopic} is not allowed for app id {AppId}");
            }

            await pubsub.PublishAsync(deadLetterTopic, message.Data, message.Metadata, cancellationToken);
        }
    }

    private static bool ReadRawPayload(SubscriptionSpec subscription, ILogger logger)
    {
        if (PubSubMetadata.TryReadRawPayload(subscription.Metadata, out var raw))
        {
            return raw;
        }

        logger.LogWarning("Subscription to topic {Topic}: metadata rawPayload '{Value}' is not a boolean; treated as false",
            subscription.Topic, subscription.Metadata[PubSubMetadata.RawPayload]);
        return false;
    }

    private static string? Text(JsonObject cloudEvent, string field) =>
        cloudEvent[field] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static string Id(JsonObject cloudEvent) => Text(cloudEvent, "id") ?? "(no id)";

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}

/// <summary>A delivery failed and is handed back to the pub/sub component for redelivery.</summary>
public sealed class EventDeliveryException(string message) : Exception(message);
