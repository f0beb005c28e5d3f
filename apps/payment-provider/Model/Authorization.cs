namespace Sidecart.PaymentProvider.Model;

/// <summary>An authorization as the provider answers it: <c>status</c> is <see cref="Approved"/> or <see cref="Declined"/>,
/// the latter with a machine-readable <c>declineReason</c>. A decline is a 200 answer, like a sandbox charge result.</summary>
public sealed record Authorization(string Id, string Reference, string CustomerId, decimal Amount, string Currency, string Status, string? DeclineReason)
{
    public const string Approved = "approved";
    public const string Declined = "declined";
}
