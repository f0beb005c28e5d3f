using Dapr;
using Sidecart.Catalog.Events;
using Sidecart.Catalog.Services;
using Sidecart.Events;

namespace Sidecart.Catalog.Apis;

public static class ProductEventsApi
{
    public static IEndpointRouteBuilder MapProductEventsApi(this IEndpointRouteBuilder app)
    {
        var deadLetterTopic = DeadLetter.TopicFor(ProductUpdated.Topic);
        app.MapPost("/events/product-updated", OnProductUpdated)
            .WithTopic(new TopicOptions { PubsubName = ProductCatalog.PubSubName, Name = ProductUpdated.Topic, DeadLetterTopic = deadLetterTopic })
            .ExcludeFromDescription();
        app.MapPost("/events/product-updated-dlq", OnProductUpdatedDeadLettered)
            .WithTopic(new TopicOptions { PubsubName = ProductCatalog.PubSubName, Name = deadLetterTopic })
            .ExcludeFromDescription();
        return app;
    }

    // A TopicDelivery, not the bound ProductUpdated: a malformed event must still reach the consumer to be dead-lettered with its reason.
    public static Task<TopicResponse> OnProductUpdated(
        TopicDelivery delivery, ValidatingConsumer consumer, EventContract<ProductUpdated> contract, ProductCatalog catalog, CancellationToken cancellationToken) =>
        consumer.HandleAsync(delivery, contract, (updated, _) =>
        {
            catalog.Forget(updated.Sku);
            return Task.FromResult(TopicResponse.Success());
        }, cancellationToken);

    public static Task<TopicResponse> OnProductUpdatedDeadLettered(TopicDelivery delivery, ValidatingConsumer consumer, CancellationToken cancellationToken) =>
        consumer.KeepDeadLetteredAsync(delivery, ProductUpdated.Topic, cancellationToken);
}
