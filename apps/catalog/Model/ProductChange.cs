namespace Sidecart.Catalog.Model;

/// <summary>The body of <c>PUT /products/{sku}</c>: every field is required, so a PUT always states the whole product.
/// Fields are nullable only so that a missing one can be reported by name instead of failing deserialisation.</summary>
public sealed record ProductChange(string? Name, decimal? Price, string? Currency);
