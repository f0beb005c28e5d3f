using System.Text.RegularExpressions;

namespace Sidecart.Payments.Model;

/// <summary>What makes a payment request valid. Errors are keyed by field name, ready for a validation problem response.</summary>
public static partial class PaymentRules
{
    public const int MaxIdLength = 100;
    public const decimal MaxAmount = 1_000_000m;

    public static Dictionary<string, string[]> Validate(AuthorizeRequest request, out PaymentRequest? payment)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        ValidateOrderId(request.OrderId, errors);

        if (string.IsNullOrWhiteSpace(request.CustomerId))
        {
            errors["customerId"] = ["The customer id is required."];
        }
        else if (request.CustomerId.Length > MaxIdLength)
        {
            errors["customerId"] = [$"The customer id is at most {MaxIdLength} characters."];
        }

        if (request.Amount is not { } amount)
        {
            errors["amount"] = ["The amount is required."];
        }
        else if (amount <= 0 || amount > MaxAmount)
        {
            errors["amount"] = [$"The amount must be more than 0 and at most {MaxAmount}."];
        }
        else if (decimal.Round(amount, 2) != amount)
        {
            errors["amount"] = ["The amount has at most two decimals."];
        }

        if (request.Currency is not { } currency || !CurrencyPattern().IsMatch(currency))
        {
            errors["currency"] = ["The currency is a three-letter ISO 4217 code in upper case, such as EUR."];
        }

        payment = errors.Count == 0 ? new PaymentRequest(request.OrderId!, request.CustomerId!, request.Amount!.Value, request.Currency!) : null;
        return errors;
    }

    public static Dictionary<string, string[]> Validate(RefundRequest request, out string? orderId)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        ValidateOrderId(request.OrderId, errors);
        orderId = errors.Count == 0 ? request.OrderId : null;
        return errors;
    }

    /// <summary>The order id becomes part of a state key, so it is kept to characters every state store accepts.</summary>
    private static void ValidateOrderId(string? orderId, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(orderId))
        {
            errors["orderId"] = ["The order id is required."];
        }
        else if (!OrderIdPattern().IsMatch(orderId))
        {
            errors["orderId"] = [$"An order id is 1 to {MaxIdLength} letters, digits, '-', '_' or '.'."];
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex OrderIdPattern();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyPattern();
}
