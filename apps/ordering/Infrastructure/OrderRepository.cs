using Sidecart.Dapr;
using Sidecart.Ordering.Model;

namespace Sidecart.Ordering.Infrastructure;

/// <summary>Order documents in the Dapr state store <c>statestore</c> under <c>order-{id}</c>. Only the order's
/// OrderProcess actor writes one, so writes never race.</summary>
public sealed class OrderRepository(DaprClient dapr) : IOrderRepository
{
    public const string StoreName = "statestore";

    public Task<Order?> FindAsync(string orderId, CancellationToken cancellationToken) =>
        dapr.GetStateAsync(StoreName, Key(orderId), OrderingJsonContext.Default.Order, cancellationToken: cancellationToken);

    public Task SaveAsync(Order order, CancellationToken cancellationToken) =>
        dapr.SaveStateAsync(StoreName, Key(order.OrderId), order, OrderingJsonContext.Default.Order, cancellationToken: cancellationToken);

    private static string Key(string orderId) => $"order-{orderId}";
}
