using Sidecart.Payments.Model;

namespace Sidecart.Payments.Infrastructure;

/// <summary>A payment record as read from the state store, with the ETag a change to it must be written against.</summary>
public sealed record StoredPayment(PaymentRecord Record, string ETag);
