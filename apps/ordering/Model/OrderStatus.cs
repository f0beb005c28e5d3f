using System.Text.Json.Serialization;

namespace Sidecart.Ordering.Model;

[JsonConverter(typeof(JsonStringEnumConverter<OrderStatus>))]
public enum OrderStatus
{
    Pending,
    Confirmed,
    Rejected,
    Cancelled,
    Shipped,
}
