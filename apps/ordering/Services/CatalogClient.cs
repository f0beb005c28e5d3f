using Sidecart.Ordering.Clients.Catalog;
using Sidecart.Ordering.Model;

namespace Sidecart.Ordering.Services;

/// <summary>Catalog (app id <c>catalog</c>) by service invocation, through <see cref="CatalogApiClient"/>, which NSwag
/// generates at build from catalog's OpenAPI document (docs/openapi/catalog.json). The HttpClient's handler is Dapr's
/// <c>InvocationHandler</c>, so <c>http://catalog/...</c> goes through the sidecar.</summary>
public sealed class CatalogClient(HttpClient http) : ICatalog
{
    public const string AppId = "catalog";

    private readonly CatalogApiClient _catalog = new(http);

    public async Task<CatalogProduct?> FindProductAsync(string sku, CancellationToken cancellationToken)
    {
        try
        {
            var product = await _catalog.GetProductAsync(sku, cancellationToken);
            return new CatalogProduct(product.Sku, product.Name, product.Price, product.Currency);
        }
        // Catalog's answer for a SKU it does not know. A 404 without problem details (no such route: catalog's API
        // moved) is not that answer and stays an error.
        catch (CatalogApiException<ProblemDetails> e) when (e.StatusCode == StatusCodes.Status404NotFound)
        {
            return null;
        }
    }
}
