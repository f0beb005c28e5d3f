using Sidecart.Ordering.Services;

namespace Sidecart.Ordering.Tests.Fakes;

public sealed class FakePayments : IPayments
{
    /// <summary>"Authorized", "Declined" or "Unavailable" (throws as the client does on 503).</summary>
    public string Outcome { get; set; } = PaymentResult.Authorized;

    /// <summary>When set, refunds fail as the client does when payments answers 503 (its provider is down).</summary>
    public bool RefundsUnavailable { get; set; }

    public List<PaymentAuthorization> Authorizations { get; } = [];

    /// <summary>Every refund asked for, whether it succeeded or not.</summary>
    public List<string> RefundAttempts { get; } = [];

    /// <summary>The refunds payments acknowledged.</summary>
    public List<string> Refunds { get; } = [];

    public Task<PaymentResult> AuthorizeAsync(PaymentAuthorization authorization, CancellationToken cancellationToken)
    {
        Authorizations.Add(authorization);
        return Outcome switch
        {
            PaymentResult.Authorized => Task.FromResult(new PaymentResult(authorization.OrderId, PaymentResult.Authorized, "auth-1")),
            PaymentResult.Declined => Task.FromResult(new PaymentResult(authorization.OrderId, PaymentResult.Declined, Reason: "insufficient funds")),
            _ => throw new PaymentsUnavailableException("provider down"),
        };
    }

    public Task RefundAsync(string orderId, CancellationToken cancellationToken)
    {
        RefundAttempts.Add(orderId);
        if (RefundsUnavailable)
        {
            throw new PaymentsUnavailableException("provider down");
        }

        Refunds.Add(orderId);
        return Task.CompletedTask;
    }
}
