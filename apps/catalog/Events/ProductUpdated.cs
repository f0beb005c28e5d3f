namespace Sidecart.Catalog.Events;

/// <summary>Published to topic <c>product-updated</c> whenever a product is created or changed; contract:
/// <c>docs/schemas/product-updated.schema.json</c>.</summary>
public sealed record ProductUpdated(string Sku, string Name, decimal Price, string Currency, DateTimeOffset UpdatedAt)
{
    public const string Topic = "product-updated";
    public const string SchemaFile = "product-updated.schema.json";
}
