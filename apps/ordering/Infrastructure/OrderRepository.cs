using Dapr.Client;
using Sidecart.Ordering.Model;

namespace Sidecart.Ordering.Infrastructure;

/// <summary>
/// Order documents in the Dapr state store <c>statestore</c> under <c>order-{id}</c>. The workflow of the order and the
/// shipment handler both write them, so every write is conditional: an ETag for a document that exists, first-write
/// for a new one. A failed conditional write is never interpreted (stores answer a lost first-write race differently:
/// SQLite 409, Redis 500 <c>ERR_STATE_SAVE</c>); the document is read again and the decision made again.
/// </summary>
public sealed class OrderRepository(DaprClient dapr) : IOrderRepository
{
    public const string StoreName = "statestore";

    private const int MaxRounds = 5;

    // ETag saves go under first-write concurrency: state.redis ignores an ETag under last-write.
    private static readonly StateOptions FirstWrite = new() { Concurrency = ConcurrencyMode.FirstWrite };

    // Saved over gRPC, a value is bytes unless it says it is JSON; as JSON it stays a queryable document.
    private static readonly IReadOnlyDictionary<string, string> AsJson = new Dictionary<string, string> { ["contentType"] = "application/json" };

    public Task<Order?> FindAsync(string orderId, CancellationToken cancellationToken) =>
        dapr.GetStateAsync<Order?>(StoreName, Key(orderId), cancellationToken: cancellationToken);

    public async Task<Order> SaveForwardAsync(Order order, CancellationToken cancellationToken)
    {
        for (var round = 0; round < MaxRounds; round++)
        {
            var (stored, etag) = await dapr.GetStateAndETagAsync<Order?>(StoreName, Key(order.OrderId), cancellationToken: cancellationToken);
            if (!order.Supersedes(stored))
            {
                return stored!;
            }

            if (stored is not null
                ? await dapr.TrySaveStateAsync(StoreName, Key(order.OrderId), order, etag, FirstWrite, AsJson, cancellationToken)
                : await dapr.TryCreateStateAsync(StoreName, Key(order.OrderId), order, AsJson, cancellationToken))
            {
                return order;
            }
        }

        throw new InvalidOperationException($"Order {order.OrderId} kept changing while it was being saved.");
    }

    private static string Key(string orderId) => $"order-{orderId}";
}
