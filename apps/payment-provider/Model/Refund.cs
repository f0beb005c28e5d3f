namespace Sidecart.PaymentProvider.Model;

public sealed record Refund(string Id, string AuthorizationId, string Status)
{
    public const string Succeeded = "refunded";
}
