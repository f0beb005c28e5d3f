using Dapr.Workflow;
using Sidecart.Ordering.Events;
using Sidecart.Ordering.Infrastructure;
using Sidecart.Ordering.Model;

namespace Sidecart.Ordering.Workflows.Activities;

/// <summary>
/// Writes the order document as the workflow has it, and publishes the change when asked. Answers the document as
/// stored. The write only moves an order forward: a document already past this status (a repeated activity after the
/// order shipped) is left as it is. A retry after a failed publish writes nothing new and publishes again, with the
/// same CloudEvent id.
/// </summary>
public sealed class SaveOrderActivity(IOrderRepository orders, IOrderEventPublisher events, TimeProvider time, ILogger<SaveOrderActivity> logger)
    : WorkflowActivity<OrderUpdate, Order>
{
    public override async Task<Order> RunAsync(WorkflowActivityContext context, OrderUpdate update)
    {
        var order = update.Order;
        var stored = await orders.SaveForwardAsync(order, CancellationToken.None);
        if (stored.Status != order.Status)
        {
            return stored;
        }

        if (update.Publish)
        {
            await events.PublishAsync(OrderStatusChanged.From(stored, time.GetUtcNow()), CancellationToken.None);
            logger.LogInformation("Order {OrderId} is {Status}", order.OrderId, order.Status);
        }

        return stored;
    }
}
