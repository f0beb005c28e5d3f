using System.Text.Json.Serialization;

namespace Sidecart.Ordering.Actors;

[JsonConverter(typeof(JsonStringEnumConverter<PaymentProgress>))]
public enum PaymentProgress
{
    NotStarted,

    /// <summary>Authorization was asked for without a definite answer: the customer may have been charged.</summary>
    Requested,
    Authorized,
    Declined,

    /// <summary>Payments acknowledged the refund (or that nothing was taken).</summary>
    Refunded,
}
