using Sidecart.Dapr.AspNetCore;
using Sidecart.Dapr.AspNetCore.DeadLetters;
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
            .WithTopic(PubSubName, StockReceived.Topic, deadLetterTopic: deadLetterTopic)
            .ExcludeFromDescription();
        app.MapPost("/events/stock-received-dlq", OnStockReceivedDeadLettered)
            .WithTopic(PubSubName, deadLetterTopic)
            .ExcludeFromDescription();
        return app;
    }

    // The raw body, not CloudEvent<StockReceived>: a malformed event must still reach the handler to be dead-lettered with its reason.
    public static async Task<TopicResult> OnStockReceived(HttpRequest request, StockReceivedHandler handler, CancellationToken cancellationToken) =>
        await handler.HandleAsync(await TopicDelivery.ReadAsync(request.Body, cancellationToken), cancellationToken);

    public static async Task<TopicResult> OnStockReceivedDeadLettered(HttpRequest request, StockReceivedHandler handler, CancellationToken cancellationToken) =>
        await handler.HandleDeadLetteredAsync(await TopicDelivery.ReadAsync(request.Body, cancellationToken), cancellationToken);
}
