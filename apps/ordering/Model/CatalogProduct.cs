namespace Sidecart.Ordering.Model;

/// <summary>A product as catalog answers <c>GET /products/{sku}</c>.</summary>
public sealed record CatalogProduct(string Sku, string Name, decimal Price, string Currency);
