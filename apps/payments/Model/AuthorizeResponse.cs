using System.Text.Json.Serialization;

namespace Sidecart.Payments.Model;

/// <summary>The answer to <c>POST /payments/authorize</c>; the same order id always gets the same answer.</summary>
public sealed record AuthorizeResponse(
    string OrderId,
    AuthorizeStatus Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AuthorizationId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);
