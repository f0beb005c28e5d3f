using System.Text.RegularExpressions;

namespace Sidecart.Catalog.Model;

/// <summary>What makes a product valid. Errors are keyed by field name, ready for a validation problem response.</summary>
public static partial class ProductRules
{
    public const int MaxNameLength = 200;
    public const decimal MaxPrice = 1_000_000m;

    public static bool IsValidSku(string sku) => SkuPattern().IsMatch(sku);

    /// <summary>Validates a change to <paramref name="sku"/>; on success <paramref name="product"/> is the product it describes.</summary>
    public static Dictionary<string, string[]> Validate(string sku, ProductChange change, out Product? product)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!IsValidSku(sku))
        {
            errors["sku"] = ["A SKU is 2 to 32 upper-case letters, digits or dashes, starting with a letter or digit."];
        }

        var name = change.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors["name"] = ["The name is required."];
        }
        else if (name.Length > MaxNameLength)
        {
            errors["name"] = [$"The name is at most {MaxNameLength} characters."];
        }

        if (change.Price is not { } price)
        {
            errors["price"] = ["The price is required."];
        }
        else if (price <= 0 || price > MaxPrice)
        {
            errors["price"] = [$"The price must be more than 0 and at most {MaxPrice}."];
        }
        else if (decimal.Round(price, 2) != price)
        {
            errors["price"] = ["The price has at most two decimals."];
        }

        if (change.Currency is not { } currency || !CurrencyPattern().IsMatch(currency))
        {
            errors["currency"] = ["The currency is a three-letter ISO 4217 code in upper case, such as EUR."];
        }

        product = errors.Count == 0 ? new Product(sku, name!, change.Price!.Value, change.Currency!) : null;
        return errors;
    }

    [GeneratedRegex("^[A-Z0-9][A-Z0-9-]{1,31}$")]
    private static partial Regex SkuPattern();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyPattern();
}
