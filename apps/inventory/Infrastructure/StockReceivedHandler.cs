using Dapr;
using Dapr.Actors;
using Dapr.Actors.Client;
using Sidecart.Events;
using Sidecart.Inventory.Actors;
using Sidecart.Inventory.Events;

namespace Sidecart.Inventory.Infrastructure;

/// <summary>
/// Applies <c>stock-received</c> events to the SKU's actor, once per receipt id however often one is delivered. An
/// event that breaks its schema is never applied and never retried: <see cref="ValidatingConsumer"/> keeps it as a
/// dead letter and answers DROP, so the sidecar forwards it to <c>stock-received-dlq</c>. A failure to reach the actor
/// is retried.
/// </summary>
public sealed class StockReceivedHandler(
    IActorProxyFactory proxies, ValidatingConsumer consumer, EventContract<StockReceived> contract, ILogger<StockReceivedHandler> logger)
{
    public Task<TopicResponse> HandleAsync(TopicDelivery delivery, CancellationToken cancellationToken) =>
        consumer.HandleAsync(delivery, contract, (received, _) => ApplyAsync(received), cancellationToken);

    /// <summary>What the sidecar dead-lettered after failed deliveries is recorded too, unless it already is.</summary>
    public Task<TopicResponse> HandleDeadLetteredAsync(TopicDelivery delivery, CancellationToken cancellationToken) =>
        consumer.KeepDeadLetteredAsync(delivery, StockReceived.Topic, cancellationToken);

    private async Task<TopicResponse> ApplyAsync(StockReceived received)
    {
        try
        {
            var result = await proxies.CreateActorProxy<ISkuActor>(new ActorId(received.Sku), SkuActor.TypeName)
                .AddStock(new StockReceipt(received.ReceiptId, received.Quantity));
            logger.LogInformation("Receipt {ReceiptId} for {Sku}: {Outcome}, {Available} available",
                received.ReceiptId, received.Sku, result.Applied ? "applied" : "already applied", result.Available);
            return TopicResponse.Success();
        }
        catch (Exception e) when (e is DaprException or HttpRequestException)
        {
            // DaprApiException (the sidecar refused the call) or ActorMethodInvocationException (the actor failed).
            logger.LogWarning(e, "Receipt {ReceiptId} for {Sku} will be redelivered", received.ReceiptId, received.Sku);
            return TopicResponse.Retry();
        }
    }
}
