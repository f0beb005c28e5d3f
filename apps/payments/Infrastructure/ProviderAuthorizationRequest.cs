namespace Sidecart.Payments.Infrastructure;

/// <summary>The provider's <c>POST /v1/authorizations</c> body; <c>reference</c> is our order id.</summary>
public sealed record ProviderAuthorizationRequest(string Reference, string CustomerId, decimal Amount, string Currency);
