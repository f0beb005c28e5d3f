namespace Sidecart.Ordering.Actors;

public sealed class OrderProcessOptions
{
    public const string Section = "OrderProcess";

    /// <summary>How often a saga step that failed for a transient reason is tried again.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>An order stuck this long in one step is cancelled, with compensation.</summary>
    public TimeSpan StepTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Authorization attempts that found the payment provider unavailable before the order is cancelled.</summary>
    public int MaxPaymentAttempts { get; set; } = 3;
}
