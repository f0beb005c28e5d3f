using System.Net;
using System.Net.Http.Json;
using Sidecart.Ordering.Model;

namespace Sidecart.Ordering.Services;

/// <summary>Catalog (app id <c>catalog</c>) by service invocation: <c>GET /products/{sku}</c>. The HttpClient's
/// handler is Dapr's <c>InvocationHandler</c>, so <c>http://catalog/...</c> goes through the sidecar.</summary>
public sealed class CatalogClient(HttpClient http) : ICatalog
{
    public const string AppId = "catalog";

    public async Task<CatalogProduct?> FindProductAsync(string sku, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"products/{Uri.EscapeDataString(sku)}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync(OrderingJsonContext.Default.CatalogProduct, cancellationToken);
    }
}
