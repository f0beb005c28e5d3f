namespace Sidecart.Payments.Model;

/// <summary>The body of <c>POST /payments/authorize</c>. Amounts are in the currency's major unit (119.90 EUR).
/// Fields are nullable only so that a missing one can be reported by name instead of failing deserialisation.</summary>
public sealed record AuthorizeRequest(string? OrderId, string? CustomerId, decimal? Amount, string? Currency);
