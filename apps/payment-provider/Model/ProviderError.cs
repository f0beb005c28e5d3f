namespace Sidecart.PaymentProvider.Model;

/// <summary>A request the provider refuses, answered as ProblemDetails with a machine-readable <c>code</c>.</summary>
public sealed record ProviderError(int StatusCode, string Code, string Detail);
