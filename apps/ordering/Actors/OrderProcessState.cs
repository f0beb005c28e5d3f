using Sidecart.Ordering.Model;

namespace Sidecart.Ordering.Actors;

/// <summary>An order's saga progress, kept in actor state so that a crash resumes where it stopped.</summary>
public sealed class OrderProcessState
{
    public required Order Order { get; set; }

    public SagaStep Step { get; set; }

    /// <summary>SKUs whose reservation inventory accepted.</summary>
    public List<string> ReservedSkus { get; set; } = [];

    public PaymentProgress Payment { get; set; }

    public string? AuthorizationId { get; set; }

    public int PaymentAttempts { get; set; }

    public int RefundAttempts { get; set; }

    /// <summary>While compensating: the status the order ends in, and why.</summary>
    public OrderStatus? Outcome { get; set; }

    public string? OutcomeReason { get; set; }
}
