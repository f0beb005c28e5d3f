namespace Sidecart.PaymentProvider.Model;

/// <summary>The body of <c>POST /v1/authorizations</c>: <c>reference</c> is the merchant's own id (an order id).</summary>
public sealed record AuthorizationRequest(string? Reference, string? CustomerId, decimal? Amount, string? Currency);
