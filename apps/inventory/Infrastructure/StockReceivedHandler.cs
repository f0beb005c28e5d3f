using System.Text.Json;
using Sidecart.Dapr;
using Sidecart.Dapr.Actors;
using Sidecart.Dapr.AspNetCore;
using Sidecart.Dapr.AspNetCore.DeadLetters;
using Sidecart.Dapr.AspNetCore.Validation;
using Sidecart.Inventory.Actors;
using Sidecart.Inventory.Events;

namespace Sidecart.Inventory.Infrastructure;

/// <summary>
/// Applies <c>stock-received</c> events to the SKU's actor, once per receipt id however often one is delivered. An
/// event that breaks its schema is never applied and never retried: it is kept as a dead letter and answered with DROP,
/// so the sidecar forwards it to <c>stock-received-dlq</c>. A failure to reach the actor or the state store is retried.
/// </summary>
public sealed class StockReceivedHandler(
    IActorProxyFactory proxies, DeadLetterStore deadLetters, StockReceivedSchema schema, ILogger<StockReceivedHandler> logger)
{
    public async Task<TopicResult> HandleAsync(TopicDelivery delivery, CancellationToken cancellationToken)
    {
        if (!TryRead(delivery, out var received, out var reason))
        {
            return await DeadLetterAsync(delivery, reason, TopicResults.Drop(), cancellationToken);
        }

        try
        {
            var result = await proxies.CreateProxy<ISkuActor>(received.Sku, SkuActor.TypeName)
                .AddStock(new StockReceipt(received.ReceiptId, received.Quantity));
            logger.LogInformation("Receipt {ReceiptId} for {Sku}: {Outcome}, {Available} available",
                received.ReceiptId, received.Sku, result.Applied ? "applied" : "already applied", result.Available);
            return TopicResults.Success();
        }
        catch (Exception e) when (e is DaprApiException or HttpRequestException)
        {
            logger.LogWarning(e, "Receipt {ReceiptId} for {Sku} will be redelivered", received.ReceiptId, received.Sku);
            return TopicResults.Retry();
        }
    }

    /// <summary>What the sidecar dead-lettered after failed deliveries is recorded too, unless it already is.</summary>
    public Task<TopicResult> HandleDeadLetteredAsync(TopicDelivery delivery, CancellationToken cancellationToken) =>
        DeadLetterAsync(delivery, DeadLetter.SidecarDeadLettered, TopicResults.Success(), cancellationToken);

    private bool TryRead(TopicDelivery delivery, out StockReceived received, out string reason)
    {
        received = null!;
        if (!delivery.TryGetData(out var data, out reason))
        {
            return false;
        }

        if (schema.Validator.Validate(data, "data") is { } violation)
        {
            reason = $"schema violation at {violation}";
            return false;
        }

        try
        {
            received = data.Deserialize(InventoryJsonContext.Default.StockReceived)!;
            return true;
        }
        catch (JsonException e)
        {
            // Valid by the schema yet not representable, e.g. a quantity beyond the range of int.
            reason = $"unsupported value: {e.Message}";
            return false;
        }
    }

    private async Task<TopicResult> DeadLetterAsync(TopicDelivery delivery, string reason, TopicResult answer, CancellationToken cancellationToken)
    {
        try
        {
            await deadLetters.RecordAsync(delivery, StockReceived.Topic, reason, cancellationToken);
            return answer;
        }
        catch (Exception e) when (e is DaprApiException or HttpRequestException or InvalidOperationException)
        {
            logger.LogWarning(e, "Dead letter for event {EventId} not recorded yet; it will be redelivered", delivery.Id);
            return TopicResults.Retry();
        }
    }
}
