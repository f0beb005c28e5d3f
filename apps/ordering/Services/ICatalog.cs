using Sidecart.Ordering.Model;

namespace Sidecart.Ordering.Services;

public interface ICatalog
{
    /// <summary>The product, or null when catalog does not know the SKU.</summary>
    Task<CatalogProduct?> FindProductAsync(string sku, CancellationToken cancellationToken);
}
