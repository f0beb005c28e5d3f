using Sidecart.Ordering.Events;
using Sidecart.Ordering.Infrastructure;
using Sidecart.Ordering.Model;

namespace Sidecart.Ordering.Tests.Fakes;

/// <summary>The order documents and the published events, in memory.</summary>
public sealed class RecordingOrders : IOrderRepository, IOrderEventPublisher
{
    public Dictionary<string, Order> Documents { get; } = [];

    public List<OrderStatusChanged> Published { get; } = [];

    public Task<Order?> FindAsync(string orderId, CancellationToken cancellationToken) => Task.FromResult(Documents.GetValueOrDefault(orderId));

    public Task SaveAsync(Order order, CancellationToken cancellationToken)
    {
        Documents[order.OrderId] = order;
        return Task.CompletedTask;
    }

    public Task PublishAsync(OrderStatusChanged change, CancellationToken cancellationToken)
    {
        Published.Add(change);
        return Task.CompletedTask;
    }
}
