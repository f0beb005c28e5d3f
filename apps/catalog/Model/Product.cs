namespace Sidecart.Catalog.Model;

/// <summary>A product as the catalog sells it. Prices are in the currency's major unit (119.90 EUR).</summary>
public sealed record Product(string Sku, string Name, decimal Price, string Currency);
