using Dapr;
using Sidecart.Events;
using Sidecart.Ordering.Events;
using Sidecart.Ordering.Infrastructure;

namespace Sidecart.Ordering.Apis;

public static class ShipmentEventsApi
{
    public static IEndpointRouteBuilder MapShipmentEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/events/shipments", OnShipmentDispatched)
            .WithTopic(new TopicOptions { PubsubName = OrderEventPublisher.PubSubName, Name = ShipmentDispatched.Topic, DeadLetterTopic = ShipmentDispatched.DeadLetterTopic })
            .ExcludeFromDescription();
        app.MapPost("/events/shipments-dlq", OnShipmentDeadLettered)
            .WithTopic(new TopicOptions { PubsubName = OrderEventPublisher.PubSubName, Name = ShipmentDispatched.DeadLetterTopic })
            .ExcludeFromDescription();
        return app;
    }

    // A TopicDelivery, not the bound ShipmentDispatched: a malformed event must still reach the handler to be dead-lettered with its reason.
    public static Task<TopicResponse> OnShipmentDispatched(TopicDelivery delivery, ShipmentDispatchedHandler handler, CancellationToken cancellationToken) =>
        handler.HandleAsync(delivery, cancellationToken);

    public static Task<TopicResponse> OnShipmentDeadLettered(TopicDelivery delivery, ShipmentDispatchedHandler handler, CancellationToken cancellationToken) =>
        handler.HandleDeadLetteredAsync(delivery, cancellationToken);
}
