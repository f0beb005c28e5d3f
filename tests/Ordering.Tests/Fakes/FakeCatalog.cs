using Sidecart.Ordering.Model;
using Sidecart.Ordering.Services;

namespace Sidecart.Ordering.Tests.Fakes;

public sealed class FakeCatalog : ICatalog
{
    public Dictionary<string, CatalogProduct> Products { get; } = new(StringComparer.Ordinal)
    {
        ["HEADLAMP-400"] = new("HEADLAMP-400", "Headlamp", 39.50m, "EUR"),
        ["BOTTLE-750"] = new("BOTTLE-750", "Bottle", 24.95m, "EUR"),
    };

    /// <summary>When set, every lookup fails as an unreachable catalog would.</summary>
    public bool Unreachable { get; set; }

    public Task<CatalogProduct?> FindProductAsync(string sku, CancellationToken cancellationToken) =>
        Unreachable ? throw new HttpRequestException("catalog unreachable") : Task.FromResult(Products.GetValueOrDefault(sku));
}
