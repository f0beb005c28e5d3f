namespace Sidecart.Catalog.Events;

/// <summary>Published to topic <c>product-updated</c> whenever a product is created or changed.</summary>
public sealed record ProductUpdated(string Sku, string Name, decimal Price, string Currency, DateTimeOffset UpdatedAt)
{
    public const string Topic = "product-updated";
}
