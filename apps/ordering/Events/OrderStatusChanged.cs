using System.Text.Json.Serialization;
using Sidecart.Ordering.Model;

namespace Sidecart.Ordering.Events;

/// <summary>Published to topic <c>orders</c> on every status change (docs/schemas/order-status-changed.schema.json),
/// with CloudEvent id <c>{orderId}-{status}</c> so that a repeated publish is recognisable downstream.</summary>
public sealed record OrderStatusChanged(
    string OrderId,
    string CustomerId,
    OrderStatus Status,
    IReadOnlyList<OrderLine> Items,
    decimal Total,
    string Currency,
    string? Reason,
    DateTimeOffset OccurredAt)
{
    public const string Topic = "orders";

    /// <summary>ISO 4217's code for "no currency": an order rejected before it could be priced has no currency, but
    /// the schema requires one.</summary>
    public const string NoCurrency = "XXX";

    public static OrderStatusChanged From(Order order, DateTimeOffset occurredAt) =>
        new(order.OrderId, order.CustomerId, order.Status, order.Items, order.Total, order.Currency ?? NoCurrency, order.Reason, occurredAt);

    [JsonIgnore]
    public string CloudEventId => $"{OrderId}-{Status}";
}
