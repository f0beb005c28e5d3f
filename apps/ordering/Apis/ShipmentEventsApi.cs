using Sidecart.Dapr.AspNetCore;
using Sidecart.Dapr.AspNetCore.DeadLetters;
using Sidecart.Ordering.Events;
using Sidecart.Ordering.Infrastructure;

namespace Sidecart.Ordering.Apis;

public static class ShipmentEventsApi
{
    public static IEndpointRouteBuilder MapShipmentEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/events/shipments", OnShipmentDispatched)
            .WithTopic(OrderEventPublisher.PubSubName, ShipmentDispatched.Topic, deadLetterTopic: ShipmentDispatched.DeadLetterTopic)
            .ExcludeFromDescription();
        // TODO(lead): interim, until the consumer moves to Dapr.AspNetCore: the old library's WithTopic, named.
        TopicEndpointConventionBuilderExtensions.WithTopic(app.MapPost("/events/shipments-dlq", OnShipmentDeadLettered), OrderEventPublisher.PubSubName, ShipmentDispatched.DeadLetterTopic)
            .ExcludeFromDescription();
        return app;
    }

    // The raw body, not CloudEvent<ShipmentDispatched>: a malformed event must still reach the handler to be dead-lettered with its reason.
    public static async Task<TopicResult> OnShipmentDispatched(HttpRequest request, ShipmentDispatchedHandler handler, CancellationToken cancellationToken) =>
        await handler.HandleAsync(await TopicDelivery.ReadAsync(request.Body, cancellationToken), cancellationToken);

    public static async Task<TopicResult> OnShipmentDeadLettered(HttpRequest request, ShipmentDispatchedHandler handler, CancellationToken cancellationToken) =>
        await handler.HandleDeadLetteredAsync(await TopicDelivery.ReadAsync(request.Body, cancellationToken), cancellationToken);
}
