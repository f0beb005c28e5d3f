namespace Sidecart.Payments.Infrastructure;

/// <summary>The provider's answer to an authorization: <c>status</c> is <c>approved</c> or <c>declined</c>
/// (with a <c>declineReason</c>); <c>id</c> names the authorization either way.</summary>
public sealed record ProviderAuthorization(string Id, string Status, string? DeclineReason)
{
    public const string Approved = "approved";

    public bool IsApproved => Status == Approved;
}
