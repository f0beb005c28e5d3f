using System.Text.RegularExpressions;

namespace Sidecart.Ordering.Model;

/// <summary>What makes an order request valid. Errors are keyed by field name (the header's name for the
/// idempotency key), ready for a validation problem response.</summary>
public static partial class OrderRules
{
    public const string IdempotencyKeyField = "Idempotency-Key";
    public const int MaxIdempotencyKeyLength = 200;
    public const int MaxCustomerIdLength = 100;
    public const int MaxLines = 50;
    public const int MaxQuantity = 1000;

    /// <summary>Validates a request; on success <paramref name="order"/> is what it asks for, trimmed.</summary>
    public static Dictionary<string, string[]> Validate(string? idempotencyKey, PlaceOrderRequest? request, out ValidOrderRequest? order)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        order = null;
        if (string.IsNullOrWhiteSpace(idempotencyKey))
        {
            errors[IdempotencyKeyField] = ["The Idempotency-Key header is required: one unique value per order, repeated on retries."];
        }
        else if (idempotencyKey.Length > MaxIdempotencyKeyLength)
        {
            errors[IdempotencyKeyField] = [$"The Idempotency-Key is at most {MaxIdempotencyKeyLength} characters."];
        }

        var customerId = request?.CustomerId?.Trim();
        if (string.IsNullOrEmpty(customerId))
        {
            errors["customerId"] = ["The customer id is required."];
        }
        else if (customerId.Length > MaxCustomerIdLength)
        {
            errors["customerId"] = [$"The customer id is at most {MaxCustomerIdLength} characters."];
        }

        var items = request?.Items;
        if (items is null || items.Count == 0)
        {
            errors["items"] = ["An order has at least one item."];
            return errors;
        }

        if (items.Count > MaxLines)
        {
            errors["items"] = [$"An order has at most {MaxLines} items."];
            return errors;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var valid = new List<OrderLine>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var sku = item?.Sku?.Trim();
            if (string.IsNullOrEmpty(sku) || !SkuPattern().IsMatch(sku))
            {
                errors[$"items[{i}].sku"] = ["A SKU is 2 to 32 upper-case letters, digits or dashes, starting with a letter or digit."];
            }
            else if (!seen.Add(sku))
            {
                errors[$"items[{i}].sku"] = [$"SKU {sku} appears more than once; put the whole quantity on one item."];
            }

            if (item?.Quantity is not { } quantity || quantity < 1 || quantity > MaxQuantity)
            {
                errors[$"items[{i}].quantity"] = [$"The quantity is a whole number from 1 to {MaxQuantity}."];
            }
            else if (sku is not null)
            {
                valid.Add(new OrderLine(sku, quantity));
            }
        }

        if (errors.Count == 0)
        {
            order = new ValidOrderRequest(customerId!, valid);
        }

        return errors;
    }

    [GeneratedRegex("^[A-Z0-9][A-Z0-9-]{1,31}$")]
    private static partial Regex SkuPattern();
}
