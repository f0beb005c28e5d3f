using Sidecart.Ordering.Services;

namespace Sidecart.Ordering.Tests.Fakes;

public sealed class FakePayments : IPayments
{
    /// <summary>"Authorized", "Declined" or "Unavailable" (throws as the client does on 503).</summary>
    public string Outcome { get; set; } = PaymentResult.Authorized;

    public List<PaymentAuthorization> Authorizations { get; } = [];

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
        Refunds.Add(orderId);
        return Task.CompletedTask;
    }
}
