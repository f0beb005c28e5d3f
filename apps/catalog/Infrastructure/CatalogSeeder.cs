using System.Text.Json;
using Dapr.Client;
using Sidecart.Catalog.Model;
using Sidecart.Catalog.Services;

namespace Sidecart.Catalog.Infrastructure;

/// <summary>Adds the products of the seed file that the state store does not have yet, once the sidecar is up.
/// Products changed through the API are never overwritten by a restart.</summary>
public sealed class CatalogSeeder(DaprClient dapr, ProductStore store, ProductCache cache, IConfiguration configuration, IHostEnvironment environment, ILogger<CatalogSeeder> logger)
    : BackgroundService
{
    public TaskCompletionSource Seeded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var file = Path.Combine(environment.ContentRootPath, configuration["Catalog:SeedFile"] ?? Path.Combine("data", "products.json"));
        try
        {
            var products = await ReadAsync(file, stoppingToken);
            await dapr.WaitForSidecarAsync(stoppingToken);
            var added = 0;
            foreach (var product in products)
            {
                if (await store.AddIfMissingAsync(product, stoppingToken))
                {
                    // A read served while seeding may have cached the catalog without this product.
                    cache.Invalidate(product.Sku);
                    added++;
                }
            }

            logger.LogInformation("Catalog seeded from {SeedFile}: {Added} of {Total} products added", file, added, products.Count);
            Seeded.TrySetResult();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            Seeded.TrySetCanceled(stoppingToken);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Seeding the catalog from {SeedFile} failed", file);
            Seeded.TrySetException(e);
        }
    }

    private static async Task<IReadOnlyList<Product>> ReadAsync(string file, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(file);
        var products = await JsonSerializer.DeserializeAsync(stream, CatalogJsonContext.Default.ListProduct, cancellationToken) ?? [];
        foreach (var product in products)
        {
            var errors = ProductRules.Validate(product.Sku, new ProductChange(product.Name, product.Price, product.Currency), out _);
            if (errors.Count > 0)
            {
                throw new InvalidDataException($"{file}: product '{product.Sku}' is invalid: {string.Join("; ", errors.SelectMany(e => e.Value))}");
            }
        }

        return products;
    }
}
