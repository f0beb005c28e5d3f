namespace Sidecart.Ordering.Model;

/// <summary>Totals an order from catalog prices: every SKU must be known and sold in one currency.</summary>
public static class OrderPricing
{
    public static PricingResult Price(IReadOnlyList<OrderLine> lines, IReadOnlyDictionary<string, CatalogProduct?> products)
    {
        var unknown = lines.Where(l => products.GetValueOrDefault(l.Sku) is null).Select(l => l.Sku).ToList();
        if (unknown.Count > 0)
        {
            return PricingResult.Rejected($"Unknown SKU: {string.Join(", ", unknown)}.");
        }

        var currencies = lines.Select(l => products[l.Sku]!.Currency).Distinct(StringComparer.Ordinal).ToList();
        if (currencies.Count > 1)
        {
            return PricingResult.Rejected($"The items are priced in more than one currency ({string.Join(", ", currencies)}).");
        }

        var total = lines.Sum(l => products[l.Sku]!.Price * l.Quantity);
        return PricingResult.Of(new OrderPrice(decimal.Round(total, 2, MidpointRounding.AwayFromZero), currencies[0]));
    }
}
