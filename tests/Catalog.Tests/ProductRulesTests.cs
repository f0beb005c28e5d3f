using Sidecart.Catalog.Model;

namespace Sidecart.Catalog.Tests;

public sealed class ProductRulesTests
{
    [Fact]
    public void A_complete_change_makes_a_product()
    {
        var errors = ProductRules.Validate("HEADLAMP-400", new ProductChange("  Headlamp  ", 39.5m, "EUR"), out var product);
        Assert.Empty(errors);
        Assert.Equal(new Product("HEADLAMP-400", "Headlamp", 39.5m, "EUR"), product);
    }

    [Theory]
    [InlineData("x", "sku")]
    [InlineData("lower-case", "sku")]
    [InlineData("-LEADING-DASH", "sku")]
    [InlineData("THIS-SKU-IS-FAR-TOO-LONG-TO-BE-ACCEPTED", "sku")]
    public void Bad_skus_are_named(string sku, string field)
    {
        var errors = ProductRules.Validate(sku, new ProductChange("n", 1m, "EUR"), out var product);
        Assert.Equal([field], errors.Keys);
        Assert.Null(product);
    }

    [Theory]
    [InlineData(null, 1.0, "EUR", "name")]
    [InlineData("  ", 1.0, "EUR", "name")]
    [InlineData("n", null, "EUR", "price")]
    [InlineData("n", 0.0, "EUR", "price")]
    [InlineData("n", -5.0, "EUR", "price")]
    [InlineData("n", 1.234, "EUR", "price")]
    [InlineData("n", 1000000.01, "EUR", "price")]
    [InlineData("n", 1.0, null, "currency")]
    [InlineData("n", 1.0, "eur", "currency")]
    [InlineData("n", 1.0, "EURO", "currency")]
    public void Each_bad_field_is_named(string? name, double? price, string? currency, string field)
    {
        var errors = ProductRules.Validate("SKU-1", new ProductChange(name, (decimal?)price, currency), out _);
        Assert.Equal([field], errors.Keys);
    }

    [Fact]
    public void A_name_over_the_limit_is_rejected() =>
        Assert.Contains("name", ProductRules.Validate("SKU-1", new ProductChange(new string('n', ProductRules.MaxNameLength + 1), 1m, "EUR"), out _).Keys);
}
