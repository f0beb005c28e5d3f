namespace Sidecart.Payments.Infrastructure;

/// <summary>The provider's <c>POST /v1/refunds</c> body: the whole authorized amount is given back.</summary>
public sealed record ProviderRefundRequest(string AuthorizationId);
