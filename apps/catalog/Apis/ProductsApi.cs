using Microsoft.AspNetCore.Http.HttpResults;
using Sidecart.Catalog.Model;
using Sidecart.Catalog.Services;

namespace Sidecart.Catalog.Apis;

public static class ProductsApi
{
    public static IEndpointRouteBuilder MapProductsApi(this IEndpointRouteBuilder app)
    {
        var products = app.MapGroup("/products").WithTags("Products");
        products.MapGet("/", ListProducts).WithName("ListProducts");
        products.MapGet("/{sku}", GetProduct).WithName("GetProduct")
            // TypedResults.Problem carries no status of its own: the 404 for an unknown SKU is declared here.
            .ProducesProblem(StatusCodes.Status404NotFound);
        products.MapPut("/{sku}", PutProduct).WithName("PutProduct");
        return app;
    }

    public static async Task<Ok<IReadOnlyList<Product>>> ListProducts(ProductCatalog catalog, CancellationToken cancellationToken) =>
        TypedResults.Ok(await catalog.ListAsync(cancellationToken));

    public static async Task<Results<Ok<Product>, ProblemHttpResult>> GetProduct(string sku, ProductCatalog catalog, CancellationToken cancellationToken) =>
        await catalog.FindAsync(sku, cancellationToken) is { } product
            ? TypedResults.Ok(product)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Product not found", detail: $"No product has SKU '{sku}'.");

    public static async Task<Results<Ok<Product>, Created<Product>, ValidationProblem>> PutProduct(
        string sku, ProductChange change, ProductCatalog catalog, CancellationToken cancellationToken)
    {
        var errors = ProductRules.Validate(sku, change, out var product);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var created = await catalog.SaveAsync(product!, cancellationToken);
        return created ? TypedResults.Created($"/products/{sku}", product!) : TypedResults.Ok(product!);
    }
}
