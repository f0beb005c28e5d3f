namespace Sidecart.PaymentProvider.Model;

/// <summary>The body of <c>POST /v1/refunds</c>: refunds the whole amount of an approved authorization.</summary>
public sealed record RefundRequest(string? AuthorizationId);
