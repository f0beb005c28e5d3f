using Sidecart.Ordering.Model;

namespace Sidecart.Ordering.Infrastructure;

public interface IOrderRepository
{
    Task<Order?> FindAsync(string orderId, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="order"/> if it <see cref="Order.Supersedes">supersedes</see> the stored document,
    /// safely against concurrent writers; answers the document as stored afterwards.</summary>
    Task<Order> SaveForwardAsync(Order order, CancellationToken cancellationToken);
}
