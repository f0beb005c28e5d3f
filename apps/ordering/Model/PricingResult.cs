namespace Sidecart.Ordering.Model;

/// <summary>Either a price for the whole order or the reason it cannot be sold.</summary>
public sealed record PricingResult(OrderPrice? Price, string? RejectionReason)
{
    public static PricingResult Of(OrderPrice price) => new(price, null);

    public static PricingResult Rejected(string reason) => new(null, reason);
}
