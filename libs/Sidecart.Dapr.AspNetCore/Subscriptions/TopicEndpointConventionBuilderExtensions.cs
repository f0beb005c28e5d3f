using Microsoft.AspNetCore.Http;
using Sidecart.Dapr.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

public static class TopicEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Subscribes the endpoint to a topic: it is listed by <c>MapSubscribeHandler</c> at <c>GET /dapr/subscribe</c>,
    /// and a delivery whose CloudEvent cannot be bound is answered with DROP instead of reaching the handler.
    /// </summary>
    public static TBuilder WithTopic<TBuilder>(
        this TBuilder builder,
        string pubsubName,
        string topic,
        string? deadLetterTopic = null,
        IReadOnlyDictionary<string, string>? metadata = null,
        string? match = null,
        int priority = 0)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new TopicSubscriptionMetadata(pubsubName, topic, deadLetterTopic, metadata, match, priority));
        builder.AddEndpointFilter(DropInvalidCloudEventsAsync);
        return builder;
    }

    // A bad event is rejected with DROP, not 400: 400 counts as a retriable failure for daprd and would loop.
    private static ValueTask<object?> DropInvalidCloudEventsAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.HttpContext.Items.ContainsKey(CloudEventBindingFailure.ItemKey)
            ? ValueTask.FromResult<object?>(TopicResults.Drop())
            : next(context);
}
