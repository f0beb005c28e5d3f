using System.Text.Json.Serialization;

namespace Sidecart.Ordering.Actors;

[JsonConverter(typeof(JsonStringEnumConverter<SagaStep>))]
public enum SagaStep
{
    Pricing,
    Reserving,
    Authorizing,
    Confirming,

    /// <summary>Releasing the reservations, then moving the order to <see cref="OrderProcessState.Outcome"/>.</summary>
    Compensating,

    /// <summary>The order has its final status; the payment is refunded, retried until payments acknowledges it.</summary>
    Refunding,
    Completed,
}
