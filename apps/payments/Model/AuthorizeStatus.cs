using System.Text.Json.Serialization;

namespace Sidecart.Payments.Model;

/// <summary>The outcome an authorize call reports. A decline is a business outcome (200), not an error;
/// <see cref="Refunded"/> answers an authorize for an order whose payment was already given back.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AuthorizeStatus>))]
public enum AuthorizeStatus
{
    Authorized,
    Declined,
    Refunded,
}
