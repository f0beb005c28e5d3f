using Microsoft.Extensions.Caching.Memory;
using Sidecart.Catalog.Model;
using Sidecart.Catalog.Services;

namespace Sidecart.Catalog.Tests;

public sealed class ProductCacheTests
{
    private static readonly Product Lamp = new("LAMP-1", "Lamp", 10m, "EUR");

    [Fact]
    public async Task A_cached_read_does_not_load_again_until_invalidated()
    {
        using var memory = new MemoryCache(new MemoryCacheOptions());
        var cache = new ProductCache(memory);
        var loads = 0;
        Task<Product?> Load()
        {
            loads++;
            return Task.FromResult<Product?>(Lamp);
        }

        await cache.OneAsync("LAMP-1", Load);
        await cache.OneAsync("LAMP-1", Load);
        Assert.Equal(1, loads);

        cache.Invalidate("LAMP-1");
        await cache.OneAsync("LAMP-1", Load);
        Assert.Equal(2, loads);
    }

    [Fact]
    public async Task A_value_loaded_while_an_invalidation_happened_is_not_kept()
    {
        using var memory = new MemoryCache(new MemoryCacheOptions());
        var cache = new ProductCache(memory);
        var loads = 0;

        var stale = await cache.AllAsync(() =>
        {
            loads++;
            cache.Invalidate("LAMP-1"); // a change lands while this read is in flight
            return Task.FromResult<IReadOnlyList<Product>>([]);
        });
        var fresh = await cache.AllAsync(() =>
        {
            loads++;
            return Task.FromResult<IReadOnlyList<Product>>([Lamp]);
        });

        Assert.Empty(stale);
        Assert.Equal([Lamp], fresh);
        Assert.Equal(2, loads);
    }
}
