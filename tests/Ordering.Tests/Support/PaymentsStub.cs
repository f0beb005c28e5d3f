using System.Collections.Concurrent;

namespace Sidecart.Ordering.Tests.Support;

/// <summary>What the payments stub answers, per customer, and what it was asked.</summary>
public sealed class PaymentsStub
{
    /// <summary>Customers whose payments are declined; every other customer is authorized.</summary>
    public ConcurrentDictionary<string, bool> DecliningCustomers { get; } = new(StringComparer.Ordinal);

    /// <summary>Customers for whom the provider is unavailable: authorize answers 503.</summary>
    public ConcurrentDictionary<string, bool> UnavailableCustomers { get; } = new(StringComparer.Ordinal);

    /// <summary>Customers for whom refunds answer 503 too, as long as they are listed.</summary>
    public ConcurrentDictionary<string, bool> UnavailableRefundCustomers { get; } = new(StringComparer.Ordinal);

    /// <summary>Customers whose authorization takes twice the payment deadline (then succeeds).</summary>
    public ConcurrentDictionary<string, bool> SlowCustomers { get; } = new(StringComparer.Ordinal);

    /// <summary>Whose order each authorized order id is, since a refund names only the order.</summary>
    public ConcurrentDictionary<string, string> CustomerOfOrder { get; } = new(StringComparer.Ordinal);

    /// <summary>"authorize {orderId} {customerId} {amount} {currency}", "refund {orderId}" (acknowledged) and
    /// "refund {orderId} unavailable" (answered 503).</summary>
    public ConcurrentQueue<string> Calls { get; } = new();
}
