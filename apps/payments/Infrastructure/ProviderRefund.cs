namespace Sidecart.Payments.Infrastructure;

/// <summary>The provider's answer to a refund.</summary>
public sealed record ProviderRefund(string Id, string AuthorizationId, string Status);
