using Dapr.Client;
using Microsoft.Extensions.Caching.Memory;
using NSubstitute;
using Sidecart.Catalog.Events;
using Sidecart.Catalog.Infrastructure;
using Sidecart.Catalog.Model;
using Sidecart.Catalog.Services;

namespace Sidecart.Catalog.Tests;

public sealed class ProductCatalogTests
{
    [Fact]
    public async Task A_change_is_published_with_its_sku_as_the_partition_key()
    {
        // On a broker that partitions (Kafka), the changes of one product then keep their order.
        var dapr = Substitute.For<DaprClient>();
        dapr.GetStateAndETagAsync<List<string>?>(ProductStore.StoreName, "product-skus", Arg.Any<ConsistencyMode?>(), Arg.Any<IReadOnlyDictionary<string, string>>(), Arg.Any<CancellationToken>())
            .Returns((["LAMP-1"], "etag-1"));
        using var memory = new MemoryCache(new MemoryCacheOptions());
        var catalog = new ProductCatalog(new ProductStore(dapr), new ProductCache(memory), dapr, TimeProvider.System);

        Assert.False(await catalog.SaveAsync(new Product("LAMP-1", "Lamp", 10m, "EUR"), TestContext.Current.CancellationToken));

        await dapr.Received(1).PublishEventAsync(
            "pubsub",
            ProductUpdated.Topic,
            Arg.Is<ProductUpdated>(u => u.Sku == "LAMP-1" && u.Price == 10m),
            Arg.Is<Dictionary<string, string>>(m => m.Count == 1 && m["partitionKey"] == "LAMP-1"),
            Arg.Any<CancellationToken>());
    }
}
