namespace Sidecart.PaymentProvider.Model;

/// <summary>The sandbox's deterministic declines, so tests and demos can reach the decline path on purpose.
/// Everything else is approved.</summary>
public static class DeclineRules
{
    public const string DeclinedCustomer = "declined-customer";
    public const string CardDeclined = "card_declined";
    public const string InsufficientFunds = "insufficient_funds";

    /// <summary>Why the provider declines this charge, or null when it approves it: the customer
    /// <see cref="DeclinedCustomer"/> is always declined, and so is any amount whose cents are .13.</summary>
    public static string? DeclineReason(string customerId, decimal amount) =>
        customerId == DeclinedCustomer ? CardDeclined
        : amount % 1m == 0.13m ? InsufficientFunds
        : null;
}
