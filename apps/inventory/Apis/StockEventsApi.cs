using Dapr;
using Sidecart.Events;
using Sidecart.Inventory.Events;
using Sidecart.Inventory.Infrastructure;

namespace Sidecart.Inventory.Apis;

public static class StockEventsApi
{
    public const string PubSubName = "pubsub";

    public static IEndpointRouteBuilder MapStockEventsApi(this IEndpointRouteBuilder app)
    {
        var deadLetterTopic = DeadLetter.TopicFor(StockReceived.Topic);
        app.MapPost("/events/stock-received", OnStockReceived)
            .WithTopic(new TopicOptions { PubsubName = PubSubName, Name = StockReceived.Topic, DeadLetterTopic = deadLetterTopic })
            .ExcludeFromDescription();
        app.MapPost("/events/stock-received-dlq", OnStockReceivedDeadLettered)
            .WithTopic(new TopicOptions { PubsubName = PubSubName, Name = deadLetterTopic })
            .ExcludeFromDescription();
        return app;
    }

    // A TopicDelivery, not the bound StockReceived: a malformed event must still reach the handler to be dead-lettered with its reason.
    public static Task<TopicResponse> OnStockReceived(TopicDelivery delivery, StockReceivedHandler handler, CancellationToken cancellationToken) =>
        handler.HandleAsync(delivery, cancellationToken);

    public static Task<TopicResponse> OnStockReceivedDeadLettered(TopicDelivery delivery, StockReceivedHandler handler, CancellationToken cancellationToken) =>
        handler.HandleDeadLetteredAsync(delivery, cancellationToken);
}
