using System.Text.Json;
using Dapr;
using Dapr.Client;
using Sidecart.Catalog.Model;

namespace Sidecart.Catalog.Infrastructure;

/// <summary>Products in the Dapr state store <c>statestore</c>: one key per product (<c>product-{sku}</c>) and an index
/// of SKUs (<c>product-skus</c>) that lists them. A new product and its index entry are written in one transaction, so
/// the index never names a product that does not exist.</summary>
/// <remarks>Written to behave the same on every state store (SQLite, Redis, PostgreSQL, MongoDB): the index is created
/// on its own with first-write (Redis ignores first-write inside a transaction) and from then on only changed with its
/// ETag. Stores report a lost race differently (409, 500, a failed transaction), so a failed write is never interpreted:
/// the index is read again and the step decided anew.</remarks>
public sealed class ProductStore(DaprClient dapr)
{
    public const string StoreName = "statestore";
    private const string IndexKey = "product-skus";
    private const int ConflictAttempts = 10;

    public Task<Product?> GetAsync(string sku, CancellationToken cancellationToken) =>
        dapr.GetStateAsync<Product?>(StoreName, ProductKey(sku), cancellationToken: cancellationToken);

    public async Task<IReadOnlyList<Product>> ListAsync(CancellationToken cancellationToken)
    {
        var skus = await dapr.GetStateAsync<List<string>?>(StoreName, IndexKey, cancellationToken: cancellationToken) ?? [];
        if (skus.Count == 0)
        {
            return [];
        }

        var items = await dapr.GetBulkStateAsync<Product?>(StoreName, skus.Select(ProductKey).ToList(), parallelism: null, cancellationToken: cancellationToken);
        return items.Where(i => i.Value is not null).Select(i => i.Value!).OrderBy(p => p.Sku, StringComparer.Ordinal).ToList();
    }

    /// <summary>Creates or replaces a product; returns true when it is new.</summary>
    public async Task<bool> UpsertAsync(Product product, CancellationToken cancellationToken)
    {
        var triedToAdd = false;
        for (var attempt = 1; ; attempt++)
        {
            var (skus, etag) = await dapr.GetStateAndETagAsync<List<string>?>(StoreName, IndexKey, cancellationToken: cancellationToken);
            if (skus is null)
            {
                await CreateIndexAsync(cancellationToken);
                continue;
            }

            if (skus.Contains(product.Sku))
            {
                await dapr.SaveStateAsync(StoreName, ProductKey(product.Sku), product, cancellationToken: cancellationToken);

                // An earlier attempt of this call may have added it and failed only to say so.
                return triedToAdd;
            }

            triedToAdd = true;
            try
            {
                await dapr.ExecuteStateTransactionAsync(StoreName,
                [
                    new StateTransactionRequest(ProductKey(product.Sku), JsonSerializer.SerializeToUtf8Bytes(product, CatalogJsonContext.Default.Product), StateOperationType.Upsert),
                    new StateTransactionRequest(IndexKey, JsonSerializer.SerializeToUtf8Bytes([.. skus, product.Sku], CatalogJsonContext.Default.ListString),
                        StateOperationType.Upsert, etag),
                ], cancellationToken: cancellationToken);
                return true;
            }
            catch (DaprException) when (attempt < ConflictAttempts)
            {
                // Most likely another writer changed the index since we read it: read it again and decide. Each round
                // of a race has a winner, so this many attempts outlast that many writers adding products at once.
                await Task.Delay(TimeSpan.FromMilliseconds(5 * attempt), cancellationToken);
            }
        }
    }

    /// <summary>Adds a product only if no product with its SKU exists; returns true when it was added.</summary>
    public async Task<bool> AddIfMissingAsync(Product product, CancellationToken cancellationToken) =>
        await GetAsync(product.Sku, cancellationToken) is null && await UpsertAsync(product, cancellationToken);

    private async Task CreateIndexAsync(CancellationToken cancellationToken)
    {
        try
        {
            await dapr.SaveStateAsync(StoreName, IndexKey, new List<string>(), new StateOptions { Concurrency = ConcurrencyMode.FirstWrite },
                cancellationToken: cancellationToken);
        }
        catch (DaprException)
        {
            // Another writer created it first, whatever way this store reports that; only a store failure is an error.
            if (await dapr.GetStateAsync<List<string>?>(StoreName, IndexKey, cancellationToken: cancellationToken) is null)
            {
                throw;
            }
        }
    }

    private static string ProductKey(string sku) => $"product-{sku}";
}
