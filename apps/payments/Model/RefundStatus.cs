using System.Text.Json.Serialization;

namespace Sidecart.Payments.Model;

/// <summary>The outcome a refund call reports: <see cref="NotAuthorized"/> when the order has no authorized payment
/// (never authorized, or declined), so there is nothing to give back.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RefundStatus>))]
public enum RefundStatus
{
    Refunded,
    NotAuthorized,
}
