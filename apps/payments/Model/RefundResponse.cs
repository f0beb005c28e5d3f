using System.Text.Json.Serialization;

namespace Sidecart.Payments.Model;

/// <summary>The answer to <c>POST /payments/refund</c>; repeating a refund gives the same answer.</summary>
public sealed record RefundResponse(
    string OrderId,
    RefundStatus Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RefundId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);
