using System.Text.Json.Serialization;

namespace Sidecart.Ordering.Services;

[JsonConverter(typeof(JsonStringEnumConverter<ShipmentOutcome>))]
public enum ShipmentOutcome
{
    /// <summary>The order is Shipped now (or already was).</summary>
    Shipped,

    /// <summary>The order is still Pending: the event came early, deliver it again later.</summary>
    NotYetConfirmed,

    /// <summary>The order was Rejected or Cancelled; it cannot ship.</summary>
    NotShippable,

    UnknownOrder,
}
