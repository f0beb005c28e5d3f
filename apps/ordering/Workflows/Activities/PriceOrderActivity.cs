using Dapr.Workflow;
using Sidecart.Ordering.Model;
using Sidecart.Ordering.Services;

namespace Sidecart.Ordering.Workflows.Activities;

/// <summary>Asks catalog for every line's product and totals the order; an unknown SKU is an answer, not a failure.</summary>
public sealed class PriceOrderActivity(ICatalog catalog) : WorkflowActivity<IReadOnlyList<OrderLine>, PricingResult>
{
    public override async Task<PricingResult> RunAsync(WorkflowActivityContext context, IReadOnlyList<OrderLine> lines)
    {
        var products = new Dictionary<string, CatalogProduct?>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            products[line.Sku] = await catalog.FindProductAsync(line.Sku, CancellationToken.None);
        }

        return OrderPricing.Price(lines, products);
    }
}
