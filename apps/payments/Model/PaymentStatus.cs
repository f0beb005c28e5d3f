namespace Sidecart.Payments.Model;

/// <summary>Where a payment record is in its life: <see cref="Pending"/> from the moment an authorization is started
/// until the provider's answer is stored, then <see cref="Authorized"/> or <see cref="Declined"/>; an authorized
/// payment can become <see cref="Refunded"/>. Nothing leaves Declined or Refunded.</summary>
public enum PaymentStatus
{
    Pending,
    Authorized,
    Declined,
    Refunded,
}
