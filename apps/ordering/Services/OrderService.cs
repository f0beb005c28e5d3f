using Microsoft.Extensions.Options;
using Sidecart.Dapr;
using Sidecart.Dapr.Actors;
using Sidecart.Ordering.Actors;
using Sidecart.Ordering.Events;
using Sidecart.Ordering.Model;

namespace Sidecart.Ordering.Services;

/// <summary>Hands orders to their OrderProcess actors. Places an order exactly once per <c>Idempotency-Key</c>: the key
/// is claimed in <c>statestore</c> with a first-write save (kept for <see cref="IdempotencyOptions.KeyTimeToLive"/>), so
/// of two concurrent requests with one key only one order id wins and both start that order. The record keeps the
/// request's fingerprint, so the key reused for a different request is refused instead of answered with another order.</summary>
public sealed class OrderService(DaprClient dapr, IActorProxyFactory actors, IOptions<IdempotencyOptions> options)
{
    public const string StoreName = "statestore";

    // A claim fails only because the key is taken; the record can still be gone when read (its TTL just ran out),
    // and then the key is free to claim again.
    private const int MaxClaimRounds = 3;

    private static string IdempotencyStateKey(string idempotencyKey) => $"idempotency-{idempotencyKey}";

    public async Task<OrderPlacement> PlaceAsync(string idempotencyKey, ValidOrderRequest request, CancellationToken cancellationToken)
    {
        var fingerprint = OrderRequestFingerprint.Of(request);
        var record = await ClaimAsync(IdempotencyStateKey(idempotencyKey), fingerprint, cancellationToken);
        if (record.RequestFingerprint is { } stored && stored != fingerprint)
        {
            return OrderPlacement.KeyReused;
        }

        // Starting is idempotent too: a retry after a crash between claiming the key and starting the order starts
        // it now, and a repeated request gets the order as it is.
        return new OrderPlacement(await Process(record.OrderId).Start(request));
    }

    public Task<ShipmentOutcome> MarkShippedAsync(ShipmentDispatched shipment) => Process(shipment.OrderId).MarkShipped(shipment);

    /// <summary>The key's record: a new one naming a new order id, or the one an earlier request stored.</summary>
    private async Task<IdempotencyRecord> ClaimAsync(string key, string fingerprint, CancellationToken cancellationToken)
    {
        var candidate = new IdempotencyRecord($"ord-{Guid.NewGuid():N}", fingerprint);
        for (var round = 0; round < MaxClaimRounds; round++)
        {
            var claimed = await dapr.TrySaveStateAsync(
                StoreName, key, candidate, OrderingJsonContext.Default.IdempotencyRecord, etag: null, StateOptions.FirstWrite,
                DaprMetadata.TimeToLive(options.Value.KeyTimeToLive), cancellationToken);
            if (claimed)
            {
                return candidate;
            }

            if (await dapr.GetStateAsync(StoreName, key, OrderingJsonContext.Default.IdempotencyRecord, StateConsistency.Strong, cancellationToken: cancellationToken) is { } existing)
            {
                return existing;
            }
        }

        throw new InvalidOperationException($"Idempotency key record {key} is taken but could not be read.");
    }

    private IOrderProcessActor Process(string orderId) => actors.CreateProxy<IOrderProcessActor>(orderId, IOrderProcessActor.TypeName);
}
