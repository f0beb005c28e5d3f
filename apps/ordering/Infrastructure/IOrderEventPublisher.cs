using Sidecart.Ordering.Events;

namespace Sidecart.Ordering.Infrastructure;

public interface IOrderEventPublisher
{
    Task PublishAsync(OrderStatusChanged change, CancellationToken cancellationToken);
}
