using System.Net;
using System.Net.Http.Json;
using Sidecart.Dapr;
using Sidecart.Ordering.Model;

namespace Sidecart.Ordering.Services;

/// <summary>Catalog (app id <c>catalog</c>) by service invocation: <c>GET /products/{sku}</c>.</summary>
public sealed class CatalogClient(DaprClient dapr) : ICatalog
{
    public const string AppId = "catalog";

    public async Task<CatalogProduct?> FindProductAsync(string sku, CancellationToken cancellationToken)
    {
        using var request = dapr.CreateInvokeMethodRequest(HttpMethod.Get, AppId, $"products/{sku}");
        using var response = await dapr.InvokeMethodWithResponseAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync(OrderingJsonContext.Default.CatalogProduct, cancellationToken);
    }
}
