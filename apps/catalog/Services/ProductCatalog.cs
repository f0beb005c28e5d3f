using Dapr.Client;
using Sidecart.Catalog.Events;
using Sidecart.Catalog.Infrastructure;
using Sidecart.Catalog.Model;

namespace Sidecart.Catalog.Services;

/// <summary>The catalog's use cases: cached reads, and changes that are stored, then announced on <c>product-updated</c>.</summary>
public sealed class ProductCatalog(ProductStore store, ProductCache cache, DaprClient dapr, TimeProvider time)
{
    public const string PubSubName = "pubsub";

    public Task<IReadOnlyList<Product>> ListAsync(CancellationToken cancellationToken) =>
        cache.AllAsync(() => store.ListAsync(cancellationToken));

    public Task<Product?> FindAsync(string sku, CancellationToken cancellationToken) =>
        cache.OneAsync(sku, () => store.GetAsync(sku, cancellationToken));

    /// <summary>Stores the product and publishes <see cref="ProductUpdated"/>; returns true when the product is new.
    /// The event goes out after the write, so a crash in between leaves a change unannounced (caches still expire);
    /// repeating the PUT announces it. The SKU is the partition key, so on brokers that partition (Kafka) the changes
    /// of one product keep their order.</summary>
    public async Task<bool> SaveAsync(Product product, CancellationToken cancellationToken)
    {
        var created = await store.UpsertAsync(product, cancellationToken);
        cache.Invalidate(product.Sku);
        var updated = new ProductUpdated(product.Sku, product.Name, product.Price, product.Currency, time.GetUtcNow());
        await dapr.PublishEventAsync(PubSubName, ProductUpdated.Topic, updated, new Dictionary<string, string> { ["partitionKey"] = product.Sku }, cancellationToken);
        return created;
    }

    public void Forget(string sku) => cache.Invalidate(sku);
}
