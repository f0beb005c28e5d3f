using Sidecart.Catalog.Events;
using Sidecart.Catalog.Services;
using Sidecart.Dapr.AspNetCore;
using Sidecart.Dapr.AspNetCore.DeadLetters;
using Sidecart.Dapr.AspNetCore.Validation;

namespace Sidecart.Catalog.Apis;

public static class ProductEventsApi
{
    public static IEndpointRouteBuilder MapProductEventsApi(this IEndpointRouteBuilder app)
    {
        var deadLetterTopic = DeadLetter.TopicFor(ProductUpdated.Topic);
        app.MapPost("/events/product-updated", OnProductUpdated)
            .WithTopic(ProductCatalog.PubSubName, ProductUpdated.Topic, deadLetterTopic: deadLetterTopic)
            .ExcludeFromDescription();
        app.MapPost("/events/product-updated-dlq", OnProductUpdatedDeadLettered)
            .WithTopic(ProductCatalog.PubSubName, deadLetterTopic)
            .ExcludeFromDescription();
        return app;
    }

    // The raw body, not CloudEvent<ProductUpdated>: a malformed event must still reach the consumer to be dead-lettered with its reason.
    public static async Task<TopicResult> OnProductUpdated(
        HttpRequest request, ValidatingConsumer consumer, EventContract<ProductUpdated> contract, ProductCatalog catalog, CancellationToken cancellationToken) =>
        await consumer.HandleAsync(await TopicDelivery.ReadAsync(request.Body, cancellationToken), contract, (updated, _) =>
        {
            catalog.Forget(updated.Sku);
            return Task.FromResult(TopicResults.Success());
        }, cancellationToken);

    public static async Task<TopicResult> OnProductUpdatedDeadLettered(HttpRequest request, ValidatingConsumer consumer, CancellationToken cancellationToken) =>
        await consumer.KeepDeadLetteredAsync(await TopicDelivery.ReadAsync(request.Body, cancellationToken), ProductUpdated.Topic, cancellationToken);
}
