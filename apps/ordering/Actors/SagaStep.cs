using System.Text.Json.Serialization;

namespace Sidecart.Ordering.Actors;

[JsonConverter(typeof(JsonStringEnumConverter<SagaStep>))]
public enum SagaStep
{
    Pricing,
    Reserving,
    Authorizing,
    Confirming,

    /// <summary>Undoing reservations and payment before the order ends as <see cref="OrderProcessState.Outcome"/>.</summary>
    Compensating,
    Completed,
}
