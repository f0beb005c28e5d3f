using Sidecart.Ordering.Model;

namespace Sidecart.Ordering.Tests;

public sealed class OrderPricingTests
{
    private static readonly Dictionary<string, CatalogProduct?> Products = new(StringComparer.Ordinal)
    {
        ["HEADLAMP-400"] = new("HEADLAMP-400", "Headlamp", 39.50m, "EUR"),
        ["BOTTLE-750"] = new("BOTTLE-750", "Bottle", 24.95m, "EUR"),
        ["CAP-1"] = new("CAP-1", "Cap", 12m, "USD"),
        ["GONE-1"] = null,
    };

    [Fact]
    public void The_total_is_price_times_quantity_over_all_lines()
    {
        var result = OrderPricing.Price([new OrderLine("HEADLAMP-400", 2), new OrderLine("BOTTLE-750", 3)], Products);

        Assert.Equal(new OrderPrice(153.85m, "EUR"), result.Price);
        Assert.Null(result.RejectionReason);
    }

    [Fact]
    public void Unknown_skus_reject_the_order_naming_them()
    {
        var result = OrderPricing.Price([new OrderLine("HEADLAMP-400", 1), new OrderLine("GONE-1", 1), new OrderLine("NEVER-1", 1)], Products);

        Assert.Null(result.Price);
        Assert.Contains("GONE-1, NEVER-1", result.RejectionReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Mixed_currencies_reject_the_order()
    {
        var result = OrderPricing.Price([new OrderLine("HEADLAMP-400", 1), new OrderLine("CAP-1", 1)], Products);

        Assert.Null(result.Price);
        Assert.Contains("EUR, USD", result.RejectionReason, StringComparison.Ordinal);
    }
}
