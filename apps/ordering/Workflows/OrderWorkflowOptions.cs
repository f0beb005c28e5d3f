namespace Sidecart.Ordering.Workflows;

/// <summary>How an order's workflow waits and retries (configuration section <c>OrderWorkflow</c>). A workflow takes a
/// copy in its input when it starts, so that replaying it later gives the same decisions whatever the configuration
/// says by then.</summary>
public sealed class OrderWorkflowOptions
{
    public const string Section = "OrderWorkflow";

    /// <summary>How long a call to catalog, inventory or payments waits before it is tried again after a failure.</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long pricing, a reservation or a confirmation may keep failing before the order is cancelled.</summary>
    public TimeSpan StepTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The payment deadline: an order whose payment is not authorized by then is cancelled (a durable timer).</summary>
    public TimeSpan PaymentDeadline { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Authorization attempts that fail (payments or its provider unavailable) before the order is cancelled.</summary>
    public int MaxPaymentAttempts { get; set; } = 3;
}
