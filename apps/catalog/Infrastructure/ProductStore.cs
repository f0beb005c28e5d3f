using Sidecart.Catalog.Model;
using Sidecart.Dapr;

namespace Sidecart.Catalog.Infrastructure;

/// <summary>Products in the Dapr state store <c>statestore</c>: one key per product (<c>product-{sku}</c>) and an index
/// of SKUs (<c>product-skus</c>) that lists them, written together in one transaction so the index never names a
/// product that does not exist.</summary>
public sealed class ProductStore(DaprClient dapr)
{
    public const string StoreName = "statestore";
    private const string IndexKey = "product-skus";
    private const int ConflictAttempts = 5;

    public Task<Product?> GetAsync(string sku, CancellationToken cancellationToken) =>
        dapr.GetStateAsync(StoreName, ProductKey(sku), CatalogJsonContext.Default.Product, cancellationToken: cancellationToken);

    public async Task<IReadOnlyList<Product>> ListAsync(CancellationToken cancellationToken)
    {
        var skus = await dapr.GetStateAsync(StoreName, IndexKey, CatalogJsonContext.Default.ListString, cancellationToken: cancellationToken) ?? [];
        if (skus.Count == 0)
        {
            return [];
        }

        var items = await dapr.GetBulkStateAsync(StoreName, skus.Select(ProductKey).ToList(), CatalogJsonContext.Default.Product, cancellationToken: cancellationToken);
        return items.Where(i => i.Value is not null).Select(i => i.Value!).OrderBy(p => p.Sku, StringComparer.Ordinal).ToList();
    }

    /// <summary>Creates or replaces a product; returns true when it is new.</summary>
    public async Task<bool> UpsertAsync(Product product, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var index = await dapr.GetStateEntryAsync(StoreName, IndexKey, CatalogJsonContext.Default.ListString, cancellationToken: cancellationToken);
            var skus = index.Value ?? [];
            if (skus.Contains(product.Sku))
            {
                await dapr.SaveStateAsync(StoreName, ProductKey(product.Sku), product, CatalogJsonContext.Default.Product, cancellationToken: cancellationToken);
                return false;
            }

            var indexWrite = index.ETag is null
                ? StateTransactionOperation.Upsert(IndexKey, [.. skus, product.Sku], CatalogJsonContext.Default.ListString, options: StateOptions.FirstWrite)
                : StateTransactionOperation.Upsert(IndexKey, [.. skus, product.Sku], CatalogJsonContext.Default.ListString, etag: index.ETag);
            try
            {
                await dapr.ExecuteStateTransactionAsync(StoreName,
                [
                    StateTransactionOperation.Upsert(ProductKey(product.Sku), product, CatalogJsonContext.Default.Product),
                    indexWrite,
                ], cancellationToken: cancellationToken);
                return true;
            }
            catch (DaprApiException e) when (e.ErrorCode == "ERR_STATE_TRANSACTION" && attempt < ConflictAttempts)
            {
                // Another writer changed the index since we read it (daprd reports that as a transaction error):
                // read it again and retry.
            }
        }
    }

    /// <summary>Adds a product only if no product with its SKU exists; returns true when it was added.</summary>
    public async Task<bool> AddIfMissingAsync(Product product, CancellationToken cancellationToken) =>
        await GetAsync(product.Sku, cancellationToken) is null && await UpsertAsync(product, cancellationToken);

    private static string ProductKey(string sku) => $"product-{sku}";
}
