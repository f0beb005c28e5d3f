namespace Sidecart.Payments.Model;

/// <summary>A validated authorize request: what the customer is charged for one order.</summary>
public sealed record PaymentRequest(string OrderId, string CustomerId, decimal Amount, string Currency);
