using Sidecart.Ordering.Model;

namespace Sidecart.Ordering.Infrastructure;

public interface IOrderRepository
{
    Task<Order?> FindAsync(string orderId, CancellationToken cancellationToken);

    Task SaveAsync(Order order, CancellationToken cancellationToken);
}
