using Microsoft.Extensions.Caching.Memory;
using Sidecart.Catalog.Model;

namespace Sidecart.Catalog.Services;

/// <summary>Caches catalog reads. Entries are dropped when a <c>product-updated</c> event arrives; the expiry is only
/// a safety net for replicas that did not receive the event (one replica per app id gets each event).</summary>
public sealed class ProductCache(IMemoryCache cache)
{
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(60);
    private const string AllKey = "products:all";
    private readonly Lock _gate = new();
    private long _generation;

    public Task<IReadOnlyList<Product>> AllAsync(Func<Task<IReadOnlyList<Product>>> load) => GetOrLoadAsync(AllKey, load);

    public Task<Product?> OneAsync(string sku, Func<Task<Product?>> load) => GetOrLoadAsync(OneKey(sku), load);

    public void Invalidate(string sku)
    {
        lock (_gate)
        {
            _generation++;
            cache.Remove(AllKey);
            cache.Remove(OneKey(sku));
        }
    }

    /// <summary>A value loaded while an invalidation happened may already be stale, so it is returned but not kept:
    /// without that check a slow read racing a change would cache the old value for the whole expiry.</summary>
    private async Task<T> GetOrLoadAsync<T>(string key, Func<Task<T>> load)
    {
        long generation;
        lock (_gate)
        {
            if (cache.TryGetValue(key, out T? hit))
            {
                return hit!;
            }

            generation = _generation;
        }

        var loaded = await load();
        lock (_gate)
        {
            if (generation == _generation)
            {
                cache.Set(key, loaded, Expiry);
            }
        }

        return loaded;
    }

    private static string OneKey(string sku) => $"products:{sku}";
}
