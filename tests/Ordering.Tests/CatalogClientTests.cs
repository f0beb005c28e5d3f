using System.Net;
using System.Text;
using Sidecart.Ordering.Clients.Catalog;
using Sidecart.Ordering.Model;
using Sidecart.Ordering.Services;

namespace Sidecart.Ordering.Tests;

/// <summary>Ordering's catalog client (over the client NSwag generates from docs/openapi/catalog.json) given the answers
/// catalog's contract declares, and some it does not.</summary>
public sealed class CatalogClientTests
{
    private readonly List<Uri> _requested = [];

    [Fact]
    public async Task A_product_is_read_from_catalogs_product_resource()
    {
        var catalog = Catalog(HttpStatusCode.OK, "application/json", """{"sku":"BOTTLE 750/B","name":"Insulated bottle","price":24.95,"currency":"EUR"}""");

        var product = await catalog.FindProductAsync("BOTTLE 750/B", CancellationToken.None);

        Assert.Equal(new CatalogProduct("BOTTLE 750/B", "Insulated bottle", 24.95m, "EUR"), product);
        Assert.Equal("http://catalog/products/BOTTLE%20750%2FB", Assert.Single(_requested).AbsoluteUri);
    }

    [Fact]
    public async Task An_unknown_sku_is_null()
    {
        var catalog = Catalog(HttpStatusCode.NotFound, "application/problem+json", """{"title":"Product not found","status":404,"detail":"No product has SKU 'NOPE-1'."}""");

        Assert.Null(await catalog.FindProductAsync("NOPE-1", CancellationToken.None));
    }

    [Fact]
    public async Task A_404_without_problem_details_is_no_such_route_and_fails()
    {
        var catalog = Catalog(HttpStatusCode.NotFound, null, "");

        var e = await Assert.ThrowsAsync<CatalogApiException>(() => catalog.FindProductAsync("HEADLAMP-400", CancellationToken.None));
        Assert.Equal(404, e.StatusCode);
    }

    [Fact]
    public async Task Any_other_failure_throws_with_its_status_code()
    {
        var catalog = Catalog(HttpStatusCode.InternalServerError, "application/json", """{"errorCode":"ERR_DIRECT_INVOKE","message":"failed to invoke"}""");

        var e = await Assert.ThrowsAsync<CatalogApiException>(() => catalog.FindProductAsync("HEADLAMP-400", CancellationToken.None));
        Assert.Equal(500, e.StatusCode);
        Assert.Contains("ERR_DIRECT_INVOKE", e.Response, StringComparison.Ordinal);
    }

    // The base address ordering's Program.cs gives the client; the handler answers in place of Dapr's InvocationHandler.
    private CatalogClient Catalog(HttpStatusCode status, string? contentType, string body) =>
        new(new HttpClient(new Answer(request =>
        {
            _requested.Add(request.RequestUri!);
            var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8) };
            response.Content.Headers.ContentType = contentType is null ? null : new(contentType);
            return response;
        })) { BaseAddress = new Uri($"http://{CatalogClient.AppId}/") });

    private sealed class Answer(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer(request));
    }
}
