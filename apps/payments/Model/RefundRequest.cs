namespace Sidecart.Payments.Model;

/// <summary>The body of <c>POST /payments/refund</c>: the order whose authorized payment is given back.</summary>
public sealed record RefundRequest(string? OrderId);
